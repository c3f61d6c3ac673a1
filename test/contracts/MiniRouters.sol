// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IERC20Pull {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function transfer(address to, uint256 value) external returns (bool);
}

/// A minimal LI.FI Diamond for tests: it takes the token (or native value) of a bridge request and emits the real
/// LiFiTransferStarted(BridgeData) and, for non-EVM receivers, BridgeToNonEVMChain, with the exact signatures of
/// lifinance/contracts src/Interfaces/ILiFi.sol. No facets, no underlying bridge call.
contract MiniLiFiDiamond {
    struct BridgeData {
        bytes32 transactionId;
        string bridge;
        string integrator;
        address referrer;
        address sendingAssetId;
        address receiver;
        uint256 minAmount;
        uint256 destinationChainId;
        bool hasSourceSwaps;
        bool hasDestinationCall;
    }

    event LiFiTransferStarted(BridgeData bridgeData);
    event BridgeToNonEVMChain(bytes32 indexed transactionId, uint256 indexed destinationChainId, bytes receiver);

    function startBridgeTokens(BridgeData calldata data) external payable {
        _take(data);
        emit LiFiTransferStarted(data);
    }

    function startBridgeTokensToNonEVM(BridgeData calldata data, bytes calldata receiver) external payable {
        _take(data);
        emit BridgeToNonEVMChain(data.transactionId, data.destinationChainId, receiver);
        emit LiFiTransferStarted(data);
    }

    function _take(BridgeData calldata data) private {
        if (data.sendingAssetId == address(0)) {
            require(msg.value == data.minAmount, "value");
        } else {
            require(IERC20Pull(data.sendingAssetId).transferFrom(msg.sender, address(this), data.minAmount), "pull");
        }
    }
}

/// A minimal Celer cBridge pool-based Bridge for tests: `send` pulls the token and emits Send with the transfer id
/// computed as Bridge.sol computes it; `relay` pays the receiver from the pool's balance and emits Relay naming the
/// source transfer id (celer-network/sgn-v2-contracts contracts/liquidity-bridge/Bridge.sol). No signatures.
contract MiniCBridge {
    event Send(
        bytes32 transferId,
        address sender,
        address receiver,
        address token,
        uint256 amount,
        uint64 dstChainId,
        uint64 nonce,
        uint32 maxSlippage
    );
    event Relay(
        bytes32 transferId,
        address sender,
        address receiver,
        address token,
        uint256 amount,
        uint64 srcChainId,
        bytes32 srcTransferId
    );

    function send(address receiver, address token, uint256 amount, uint64 dstChainId, uint64 nonce, uint32 maxSlippage)
        external
    {
        require(IERC20Pull(token).transferFrom(msg.sender, address(this), amount), "pull");
        bytes32 transferId = keccak256(
            abi.encodePacked(msg.sender, receiver, token, amount, dstChainId, nonce, uint64(block.chainid))
        );
        emit Send(transferId, msg.sender, receiver, token, amount, dstChainId, nonce, maxSlippage);
    }

    function relay(address sender, address receiver, address token, uint256 amount, uint64 srcChainId, bytes32 srcTransferId)
        external
    {
        require(IERC20Pull(token).transfer(receiver, amount), "pay");
        bytes32 transferId = keccak256(
            abi.encodePacked(sender, receiver, token, amount, srcChainId, uint64(block.chainid), srcTransferId)
        );
        emit Relay(transferId, sender, receiver, token, amount, srcChainId, srcTransferId);
    }
}
