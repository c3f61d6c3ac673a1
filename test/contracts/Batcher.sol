// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A plain multicall written for these tests: runs the given calls in order in one transaction and reverts if one
/// fails. It lets a swapper trade directly on a v2 pair in one transaction (transferFrom into the pair, then
/// pair.swap), the way bots do without a router. Anyone may call it: test use only.
contract Batcher {
    function run(address[] calldata targets, bytes[] calldata calls) external payable {
        require(targets.length == calls.length, "length");
        for (uint256 i = 0; i < targets.length; i++) {
            (bool ok, bytes memory answer) = targets[i].call(calls[i]);
            if (!ok) {
                assembly {
                    revert(add(answer, 32), mload(answer))
                }
            }
        }
    }
}
