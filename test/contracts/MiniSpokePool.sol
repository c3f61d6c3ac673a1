// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IERC20Minimal {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// A minimal Across V3-style SpokePool for tests. It emits the events of the real SpokePool with their exact
/// signatures (across-protocol/contracts, contracts/interfaces/V3SpokePoolInterface.sol) and moves tokens the way it
/// does: a deposit pulls the input token from the depositor into the pool; a fill moves the output token from the
/// relayer straight to the recipient. No hub, no refunds, no signatures, no exclusivity checks.
contract MiniSpokePool {
    enum FillType {
        FastFill,
        ReplacedSlowFill,
        SlowFill
    }

    struct V3RelayData {
        bytes32 depositor;
        bytes32 recipient;
        bytes32 exclusiveRelayer;
        bytes32 inputToken;
        bytes32 outputToken;
        uint256 inputAmount;
        uint256 outputAmount;
        uint256 originChainId;
        uint256 depositId;
        uint32 fillDeadline;
        uint32 exclusivityDeadline;
        bytes message;
    }

    struct V3RelayExecutionEventInfo {
        bytes32 updatedRecipient;
        bytes32 updatedMessageHash;
        uint256 updatedOutputAmount;
        FillType fillType;
    }

    event FundsDeposited(
        bytes32 inputToken,
        bytes32 outputToken,
        uint256 inputAmount,
        uint256 outputAmount,
        uint256 indexed destinationChainId,
        uint256 indexed depositId,
        uint32 quoteTimestamp,
        uint32 fillDeadline,
        uint32 exclusivityDeadline,
        bytes32 indexed depositor,
        bytes32 recipient,
        bytes32 exclusiveRelayer,
        bytes message
    );

    event V3FundsDeposited(
        address inputToken,
        address outputToken,
        uint256 inputAmount,
        uint256 outputAmount,
        uint256 indexed destinationChainId,
        uint32 indexed depositId,
        uint32 quoteTimestamp,
        uint32 fillDeadline,
        uint32 exclusivityDeadline,
        address indexed depositor,
        address recipient,
        address exclusiveRelayer,
        bytes message
    );

    event FilledRelay(
        bytes32 inputToken,
        bytes32 outputToken,
        uint256 inputAmount,
        uint256 outputAmount,
        uint256 repaymentChainId,
        uint256 indexed originChainId,
        uint256 indexed depositId,
        uint32 fillDeadline,
        uint32 exclusivityDeadline,
        bytes32 exclusiveRelayer,
        bytes32 indexed relayer,
        bytes32 depositor,
        bytes32 recipient,
        bytes32 messageHash,
        V3RelayExecutionEventInfo relayExecutionInfo
    );

    uint32 public numberOfDeposits;
    mapping(bytes32 => bool) public filled;

    /// Legacy address-typed entry point: emits V3FundsDeposited.
    function depositV3(
        address depositor,
        address recipient,
        address inputToken,
        address outputToken,
        uint256 inputAmount,
        uint256 outputAmount,
        uint256 destinationChainId,
        address exclusiveRelayer,
        uint32 quoteTimestamp,
        uint32 fillDeadline,
        uint32 exclusivityDeadline,
        bytes calldata message
    ) external {
        require(IERC20Minimal(inputToken).transferFrom(msg.sender, address(this), inputAmount), "pull");
        emit V3FundsDeposited(
            inputToken,
            outputToken,
            inputAmount,
            outputAmount,
            destinationChainId,
            numberOfDeposits++,
            quoteTimestamp,
            fillDeadline,
            exclusivityDeadline,
            depositor,
            recipient,
            exclusiveRelayer,
            message
        );
    }

    /// Current bytes32 entry point: emits FundsDeposited.
    function deposit(
        bytes32 depositor,
        bytes32 recipient,
        bytes32 inputToken,
        bytes32 outputToken,
        uint256 inputAmount,
        uint256 outputAmount,
        uint256 destinationChainId,
        bytes32 exclusiveRelayer,
        uint32 quoteTimestamp,
        uint32 fillDeadline,
        uint32 exclusivityDeadline,
        bytes calldata message
    ) external {
        require(IERC20Minimal(address(uint160(uint256(inputToken)))).transferFrom(msg.sender, address(this), inputAmount), "pull");
        emit FundsDeposited(
            inputToken,
            outputToken,
            inputAmount,
            outputAmount,
            destinationChainId,
            uint256(numberOfDeposits++),
            quoteTimestamp,
            fillDeadline,
            exclusivityDeadline,
            depositor,
            recipient,
            exclusiveRelayer,
            message
        );
    }

    /// The relayer pays the recipient the output amount from its own balance (it is repaid elsewhere).
    function fillRelay(V3RelayData calldata relayData, uint256 repaymentChainId, bytes32 repaymentAddress) external {
        bytes32 relayHash = keccak256(abi.encode(relayData, block.chainid));
        require(!filled[relayHash], "RelayFilled");
        filled[relayHash] = true;
        address recipient = address(uint160(uint256(relayData.recipient)));
        address token = address(uint160(uint256(relayData.outputToken)));
        require(IERC20Minimal(token).transferFrom(msg.sender, recipient, relayData.outputAmount), "pay");
        repaymentAddress;
        _emitFilled(relayData, repaymentChainId);
    }

    function _emitFilled(V3RelayData calldata r, uint256 repaymentChainId) private {
        V3RelayExecutionEventInfo memory info = V3RelayExecutionEventInfo({
            updatedRecipient: r.recipient,
            updatedMessageHash: r.message.length == 0 ? bytes32(0) : keccak256(r.message),
            updatedOutputAmount: r.outputAmount,
            fillType: FillType.FastFill
        });
        emit FilledRelay(
            r.inputToken,
            r.outputToken,
            r.inputAmount,
            r.outputAmount,
            repaymentChainId,
            r.originChainId,
            r.depositId,
            r.fillDeadline,
            r.exclusivityDeadline,
            r.exclusiveRelayer,
            bytes32(uint256(uint160(msg.sender))),
            r.depositor,
            r.recipient,
            r.message.length == 0 ? bytes32(0) : keccak256(r.message),
            info
        );
    }
}
