// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IERC20Like {
    function balanceOf(address who) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

interface ISwapV2Callee {
    function uniswapV2Call(address sender, uint256 amount0, uint256 amount1, bytes calldata data) external;
}

interface ISwapV3Callback {
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external;
}

/// Constant product with a 0.3 % fee on the input, as Uniswap v2 prices it.
library ConstantProduct {
    function amountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) internal pure returns (uint256) {
        require(amountIn > 0 && reserveIn > 0 && reserveOut > 0, "amounts");
        uint256 withFee = amountIn * 997;
        return (withFee * reserveOut) / (reserveIn * 1000 + withFee);
    }
}

/// A Uniswap v2-shaped pair written for these tests: liquidity is sent first and booked by mint(to); swap() pays the
/// requested output optimistically, then checks the fee-adjusted k invariant against the balances after, and emits
/// Sync then Swap with the v2 signatures. No LP token (liquidity is a plain mapping), no TWAP, no protocol fee.
contract SwapPairV2 {
    address public immutable token0;
    address public immutable token1;
    uint112 private reserve0;
    uint112 private reserve1;
    mapping(address => uint256) public liquidityOf;

    event Mint(address indexed sender, uint256 amount0, uint256 amount1);
    event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to);
    event Sync(uint112 reserve0, uint112 reserve1);

    constructor(address tokenA, address tokenB) {
        (token0, token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
    }

    function getReserves() public view returns (uint112, uint112, uint32) {
        return (reserve0, reserve1, 0);
    }

    function mint(address to) external returns (uint256 liquidity) {
        uint256 balance0 = IERC20Like(token0).balanceOf(address(this));
        uint256 balance1 = IERC20Like(token1).balanceOf(address(this));
        uint256 amount0 = balance0 - reserve0;
        uint256 amount1 = balance1 - reserve1;
        liquidity = amount0 + amount1;
        liquidityOf[to] += liquidity;
        _update(balance0, balance1);
        emit Mint(msg.sender, amount0, amount1);
    }

    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external {
        require(amount0Out > 0 || amount1Out > 0, "output");
        (uint112 r0, uint112 r1, ) = getReserves();
        require(amount0Out < r0 && amount1Out < r1, "liquidity");
        require(to != token0 && to != token1, "to");
        if (amount0Out > 0) require(IERC20Like(token0).transfer(to, amount0Out), "transfer0");
        if (amount1Out > 0) require(IERC20Like(token1).transfer(to, amount1Out), "transfer1");
        if (data.length > 0) ISwapV2Callee(to).uniswapV2Call(msg.sender, amount0Out, amount1Out, data);
        uint256 balance0 = IERC20Like(token0).balanceOf(address(this));
        uint256 balance1 = IERC20Like(token1).balanceOf(address(this));
        uint256 amount0In = balance0 > r0 - amount0Out ? balance0 - (r0 - amount0Out) : 0;
        uint256 amount1In = balance1 > r1 - amount1Out ? balance1 - (r1 - amount1Out) : 0;
        require(amount0In > 0 || amount1In > 0, "input");
        uint256 adjusted0 = balance0 * 1000 - amount0In * 3;
        uint256 adjusted1 = balance1 * 1000 - amount1In * 3;
        require(adjusted0 * adjusted1 >= uint256(r0) * uint256(r1) * 1000 ** 2, "K");
        _update(balance0, balance1);
        emit Swap(msg.sender, amount0In, amount1In, amount0Out, amount1Out, to);
    }

    function _update(uint256 balance0, uint256 balance1) private {
        require(balance0 <= type(uint112).max && balance1 <= type(uint112).max, "overflow");
        reserve0 = uint112(balance0);
        reserve1 = uint112(balance1);
        emit Sync(reserve0, reserve1);
    }
}

/// A Uniswap v3-shaped pool written for these tests: swap() takes an exact input, pays the output to the recipient
/// FIRST, then asks the caller for the input through uniswapV3SwapCallback and checks it arrived, so the output
/// Transfer log comes before the input Transfer log. Priced as constant product with a 0.3 % fee over internal
/// reserves (no ticks); the Swap event has the v3 signature with sqrtPriceX96, liquidity and tick set to 0.
contract SwapPoolV3 {
    address public immutable token0;
    address public immutable token1;
    uint256 public reserve0;
    uint256 public reserve1;

    event Mint(address indexed owner, uint256 amount0, uint256 amount1);
    event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick);

    constructor(address tokenA, address tokenB) {
        (token0, token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
    }

    /// Liquidity pulled from the caller (it approves the pool first).
    function mint(uint256 amount0, uint256 amount1) external {
        require(IERC20Like(token0).transferFrom(msg.sender, address(this), amount0), "transfer0");
        require(IERC20Like(token1).transferFrom(msg.sender, address(this), amount1), "transfer1");
        reserve0 += amount0;
        reserve1 += amount1;
        emit Mint(msg.sender, amount0, amount1);
    }

    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160, bytes calldata data) external returns (int256 amount0, int256 amount1) {
        require(amountSpecified > 0, "exact input only");
        uint256 amountIn = uint256(amountSpecified);
        (address tokenIn, address tokenOut, uint256 reserveIn, uint256 reserveOut) =
            zeroForOne ? (token0, token1, reserve0, reserve1) : (token1, token0, reserve1, reserve0);
        uint256 out = ConstantProduct.amountOut(amountIn, reserveIn, reserveOut);
        require(out > 0 && out < reserveOut, "liquidity");
        require(IERC20Like(tokenOut).transfer(recipient, out), "pay out");
        (amount0, amount1) = zeroForOne ? (int256(amountIn), -int256(out)) : (-int256(out), int256(amountIn));
        uint256 before = IERC20Like(tokenIn).balanceOf(address(this));
        ISwapV3Callback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
        require(IERC20Like(tokenIn).balanceOf(address(this)) >= before + amountIn, "IIA");
        if (zeroForOne) {
            reserve0 += amountIn;
            reserve1 -= out;
        } else {
            reserve1 += amountIn;
            reserve0 -= out;
        }
        emit Swap(msg.sender, recipient, amount0, amount1, 0, 0, 0);
    }
}
