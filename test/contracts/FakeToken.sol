// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A scam token: borrows a real token's name and symbol and emits Transfer events that move nothing
/// ("spoofed" transfers from a victim's address to a look-alike, meant to poison the victim's history).
contract FakeToken {
    string public name;
    string public symbol;
    uint8 public decimals;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    function spoof(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }
}

/// A token whose metadata is non-standard: symbol() returns bytes32 (as early tokens like MKR do).
contract Bytes32Token {
    bytes32 public symbol = "B32";
    uint8 public decimals = 4;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function emitTransfer(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }
}

/// A contract with no metadata at all that still emits ERC-20 shaped Transfer events.
contract NoMetadataToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function emitTransfer(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }
}

/// Passes the ETH it receives on: an internal transfer that only traces reveal.
contract Forwarder {
    function forward(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "forward failed");
    }
}
