// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IThorRouterToken {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// A minimal THORChain_Router V4 for tests. Its deposit side behaves as the real router
/// (thornode chain/ethereum/contracts/THORChain_Router.sol): the native asset is forwarded to the vault at once,
/// tokens are pulled into the router and credited to the vault's allowance, and every deposit emits
/// `Deposit(address indexed to, address indexed asset, uint amount, string memo)` with `to` = the vault and
/// `asset` = address(0) for the native asset. No outbound side (transferOut), no allowance moves.
contract MiniThorRouter {
    event Deposit(address indexed to, address indexed asset, uint256 amount, string memo);

    mapping(address => mapping(address => uint256)) public vaultAllowance;

    function depositWithExpiry(address payable vault, address asset, uint256 amount, string memory memo, uint256 expiration) external payable {
        require(block.timestamp < expiration, "THORChain_Router: expired");
        deposit(vault, asset, amount, memo);
    }

    function deposit(address payable vault, address asset, uint256 amount, string memory memo) public payable {
        uint256 safeAmount;
        if (asset == address(0)) {
            safeAmount = msg.value;
            (bool success, ) = vault.call{value: safeAmount}("");
            require(success, "THORChain_Router: forward failed");
        } else {
            require(msg.value == 0, "THORChain_Router: unexpected eth");
            require(IThorRouterToken(asset).transferFrom(msg.sender, address(this), amount), "THORChain_Router: pull failed");
            safeAmount = amount;
            vaultAllowance[vault][asset] += safeAmount;
        }
        emit Deposit(vault, asset, safeAmount, memo);
    }
}
