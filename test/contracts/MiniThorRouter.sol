// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IThorRouterToken {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// A minimal THORChain_Router V4 for tests. Its deposit side behaves as the real router
/// (thornode chain/ethereum/contracts/THORChain_Router.sol): the native asset is forwarded to the vault at once,
/// tokens are pulled into the router and credited to the vault's allowance, and every deposit emits
/// `Deposit(address indexed to, address indexed asset, uint amount, string memo)` with `to` = the vault and
/// `asset` = address(0) for the native asset. Its outbound side is the router's `transferOut`: a vault pays the
/// native asset on (sent with the call) or a token out of its allowance, and the router emits
/// `TransferOut(address indexed vault, address indexed to, address asset, uint amount, string memo)` with
/// `vault` = the caller and the memo THORChain writes (`OUT:<inbound tx id>`).
contract MiniThorRouter {
    event Deposit(address indexed to, address indexed asset, uint256 amount, string memo);
    event TransferOut(address indexed vault, address indexed to, address asset, uint256 amount, string memo);

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

    function transferOut(address payable to, address asset, uint256 amount, string memory memo) public payable {
        uint256 safeAmount;
        if (asset == address(0)) {
            safeAmount = msg.value;
            bool success = to.send(safeAmount);
            if (!success) payable(msg.sender).transfer(safeAmount);
        } else {
            vaultAllowance[msg.sender][asset] -= amount;
            (bool success, bytes memory data) = asset.call(abi.encodeWithSignature("transfer(address,uint256)", to, amount));
            require(success && (data.length == 0 || abi.decode(data, (bool))), "THORChain_Router: transfer failed");
            safeAmount = amount;
        }
        emit TransferOut(msg.sender, to, asset, safeAmount, memo);
    }
}
