// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IERC20Balance {
    function balanceOf(address who) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
}

/// An exchange's contract deposit address, as custodial exchanges deploy one per customer: it receives ERC-20
/// tokens like any address, and a later flush() (sent by anyone, typically the exchange's sweeper) moves its whole
/// balance of a token to the exchange's hot wallet fixed at deployment.
contract DepositForwarder {
    address public immutable hotWallet;

    constructor(address hotWallet_) {
        hotWallet = hotWallet_;
    }

    function flush(address token) external {
        uint256 balance = IERC20Balance(token).balanceOf(address(this));
        if (balance > 0) require(IERC20Balance(token).transfer(hotWallet, balance), "transfer");
    }

    /// A look-alike: a contract wallet that pays someone else (any share of its balance).
    function pay(address token, address to, uint256 value) external {
        require(IERC20Balance(token).transfer(to, value), "transfer");
    }
}
