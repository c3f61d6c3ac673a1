// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IRouterToken {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

interface IRouterWETH is IRouterToken {
    function deposit() external payable;
    function withdraw(uint256 wad) external;
}

interface IRouterPool {
    function token0() external view returns (address);
    function token1() external view returns (address);
}

interface IRouterPairV2 is IRouterPool {
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IRouterPoolV3 is IRouterPool {
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external returns (int256 amount0, int256 amount1);
}

/// A router written for these tests, with a recipient parameter, over SwapPairV2 and SwapPoolV3 pools: exact input
/// along a path of one or more pools (`v3[i]` says which kind pool i is) in one transaction. Like the Uniswap v2
/// router, it pulls the input from the caller straight into the first v2 pair and has a v2 pair pay straight into the
/// next v2 pair; a v3 pool is paid in its callback; other intermediate outputs pass through the router. ETH in is
/// wrapped through WETH first; for ETH out the last output comes to the router, is unwrapped and paid to the
/// recipient by an internal call.
contract SwapRouter {
    address public immutable weth;
    address private expectedPool;
    address private callbackPayer;
    address private callbackToken;

    constructor(address weth_) {
        weth = weth_;
    }

    receive() external payable {
        require(msg.sender == weth, "only WETH");
    }

    function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address tokenIn, address[] calldata pools, bool[] calldata v3, address to)
        external returns (uint256 amountOut)
    {
        (, amountOut) = _route(tokenIn, amountIn, msg.sender, pools, v3, to);
        require(amountOut >= amountOutMin, "slippage");
    }

    function swapExactETHForTokens(uint256 amountOutMin, address[] calldata pools, bool[] calldata v3, address to)
        external payable returns (uint256 amountOut)
    {
        IRouterWETH(weth).deposit{value: msg.value}();
        (, amountOut) = _route(weth, msg.value, address(this), pools, v3, to);
        require(amountOut >= amountOutMin, "slippage");
    }

    function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address tokenIn, address[] calldata pools, bool[] calldata v3, address to)
        external returns (uint256 amountOut)
    {
        address tokenOut;
        (tokenOut, amountOut) = _route(tokenIn, amountIn, msg.sender, pools, v3, address(this));
        require(tokenOut == weth, "path must end in WETH");
        require(amountOut >= amountOutMin, "slippage");
        IRouterWETH(weth).withdraw(amountOut);
        (bool ok, ) = payable(to).call{value: amountOut}("");
        require(ok, "ETH payment failed");
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        require(msg.sender == expectedPool && expectedPool != address(0), "callback");
        expectedPool = address(0);
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        _pay(callbackToken, callbackPayer, msg.sender, owed);
    }

    function _route(address tokenIn, uint256 amountIn, address payer, address[] calldata pools, bool[] calldata v3, address to)
        private returns (address, uint256)
    {
        require(pools.length > 0 && pools.length == v3.length, "path");
        bool inputAtPool = false;
        for (uint256 i = 0; i < pools.length; i++) {
            address pool = pools[i];
            address t0 = IRouterPool(pool).token0();
            address t1 = IRouterPool(pool).token1();
            require(tokenIn == t0 || tokenIn == t1, "token not in pool");
            address tokenOut = tokenIn == t0 ? t1 : t0;
            bool last = i + 1 == pools.length;
            bool nextIsV2 = !last && !v3[i + 1];
            address recipient = last ? to : (nextIsV2 ? pools[i + 1] : address(this));
            uint256 out;
            if (v3[i]) {
                expectedPool = pool;
                callbackPayer = payer;
                callbackToken = tokenIn;
                (int256 d0, int256 d1) = IRouterPoolV3(pool).swap(recipient, tokenIn == t0, int256(amountIn), 0, "");
                require(expectedPool == address(0), "not paid");
                out = uint256(-(tokenIn == t0 ? d1 : d0));
            } else {
                if (!inputAtPool) _pay(tokenIn, payer, pool, amountIn);
                (uint112 r0, uint112 r1, ) = IRouterPairV2(pool).getReserves();
                (uint256 reserveIn, uint256 reserveOut) = tokenIn == t0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
                out = (amountIn * 997 * reserveOut) / (reserveIn * 1000 + amountIn * 997);
                (uint256 out0, uint256 out1) = tokenIn == t0 ? (uint256(0), out) : (out, uint256(0));
                IRouterPairV2(pool).swap(out0, out1, recipient, "");
            }
            inputAtPool = nextIsV2;
            payer = address(this);
            tokenIn = tokenOut;
            amountIn = out;
        }
        return (tokenIn, amountIn);
    }

    function _pay(address token, address payer, address to, uint256 amount) private {
        bool ok = payer == address(this) ? IRouterToken(token).transfer(to, amount) : IRouterToken(token).transferFrom(payer, to, amount);
        require(ok, "pay");
    }
}
