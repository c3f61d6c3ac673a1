// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface ISplitterToken {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// A forwarding splitter written for these tests: takes a token amount (pulled from the caller) or the ETH sent, and
/// forwards it in the same transaction to several recipients by weight (amount * weight / sum, floor; the last
/// recipient gets what rounding left), keeping nothing.
contract Splitter {
    function splitToken(address token, uint256 amount, address[] calldata recipients, uint256[] calldata weights) external {
        require(ISplitterToken(token).transferFrom(msg.sender, address(this), amount), "pull");
        uint256[] memory shares = _shares(amount, weights, recipients.length);
        for (uint256 i = 0; i < recipients.length; i++) {
            if (shares[i] > 0) require(ISplitterToken(token).transfer(recipients[i], shares[i]), "forward");
        }
    }

    function splitETH(address[] calldata recipients, uint256[] calldata weights) external payable {
        uint256[] memory shares = _shares(msg.value, weights, recipients.length);
        for (uint256 i = 0; i < recipients.length; i++) {
            if (shares[i] == 0) continue;
            (bool ok, ) = payable(recipients[i]).call{value: shares[i]}("");
            require(ok, "forward");
        }
    }

    function _shares(uint256 amount, uint256[] calldata weights, uint256 count) private pure returns (uint256[] memory shares) {
        require(count > 0 && weights.length == count, "recipients");
        uint256 sum = 0;
        for (uint256 i = 0; i < count; i++) sum += weights[i];
        require(sum > 0, "weights");
        shares = new uint256[](count);
        uint256 given = 0;
        for (uint256 i = 0; i + 1 < count; i++) {
            shares[i] = (amount * weights[i]) / sum;
            given += shares[i];
        }
        shares[count - 1] = amount - given;
    }
}
