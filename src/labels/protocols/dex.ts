/**
 * DEX routers, aggregators and settlement contracts, from the deployment lists the protocols publish. Category
 * `defi`: a trace does not stop at them (transaction-level flow carries the value through the swap). Each entry
 * names the page that states its address; only addresses that page states for that chain are listed (fewer right
 * addresses beat many guessed ones). Read by scripts/build-label-pack.ts into the built-in label pack as sources
 * `protocols:<protocol>`; nothing at run time imports this file.
 */

/** When this list was compiled from the pages below (the date `chaintrail labels sources` gives its sources). */
export const PROTOCOL_LIST_DATE = '2026-12-02';

/** One protocol's published deployments. */
export interface ProtocolDeployments {
  /** Short id: the pack source is `protocols:<id>`. */
  id: string;
  /** Entity of every label (who runs the contracts). */
  entity: string;
  /** The page that states the addresses. */
  url: string;
  contracts: { name: string; chains: readonly string[]; address: string }[];
}

const UNISWAP_V2 = 'https://docs.uniswap.org/contracts/v2/reference/smart-contracts/v2-deployments';
const UNISWAP_V3 = 'https://github.com/Uniswap/v3-periphery/blob/main/deploys.md';
const UNISWAP_V4 = 'https://docs.uniswap.org/contracts/v4/deployments';

export const PROTOCOL_DEPLOYMENTS: readonly ProtocolDeployments[] = [
  {
    id: 'uniswap',
    entity: 'Uniswap',
    url: `${UNISWAP_V2} ; ${UNISWAP_V3} ; ${UNISWAP_V4}`,
    contracts: [
      // V2Router02 (UNISWAP_V2, table "V2Router02 Contract Address").
      { name: 'Uniswap V2 Router02', chains: ['ethereum'], address: '0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D' },
      { name: 'Uniswap V2 Router02', chains: ['evm:42161', 'evm:43114', 'evm:56', 'evm:8453'], address: '0x4752ba5dbc23f44d87826276bf6fd6b1c372ad24' },
      { name: 'Uniswap V2 Router02', chains: ['evm:10'], address: '0x4A7b5Da61326A6379179b40d00F57E5bbDC962c2' },
      { name: 'Uniswap V2 Router02', chains: ['evm:137'], address: '0xedf6066a2b290C185783862C7F4776A2C8077AD1' },
      // SwapRouter (UNISWAP_V3: "Mainnet, Polygon, Optimism, Arbitrum" column).
      { name: 'Uniswap V3 SwapRouter', chains: ['ethereum', 'evm:137', 'evm:10', 'evm:42161'], address: '0xE592427A0AEce92De3Edee1F18E0157C05861564' },
      // Universal Router (UNISWAP_V4, "Ethereum: 1").
      { name: 'Uniswap Universal Router', chains: ['ethereum'], address: '0x66a9893cc07d91d95644aedd05d03f95e1dba8af' },
    ],
  },
  {
    id: '1inch',
    entity: '1inch',
    // 1inch's own SDK: "Contract address is identical for all chains except zkSync"; the chains are those the SDK
    // lists contracts for.
    url: 'https://pkg.go.dev/github.com/1inch/1inch-sdk-go/helpers/consts/contracts (AggregationRouterV5)',
    contracts: [
      {
        name: '1inch Aggregation Router V5',
        chains: ['ethereum', 'evm:56', 'evm:137', 'evm:42161', 'evm:10', 'evm:8453', 'evm:43114'],
        address: '0x1111111254eeb25477b68fb85ed929f73a960582',
      },
    ],
  },
  {
    id: '0x',
    entity: '0x Protocol',
    url: 'https://0x.org/docs/developer-resources/contract-addresses (0x v4 ExchangeProxy)',
    contracts: [{ name: '0x Exchange Proxy', chains: ['ethereum', 'evm:56'], address: '0xdef1c0ded9bec7f1a1670819833240f027b25eff' }],
  },
  {
    id: 'cow',
    entity: 'CoW Protocol',
    url: 'https://raw.githubusercontent.com/cowprotocol/contracts/ea0c36591b6da73b9ba4e2e2107897080c7f9b68/networks.json (GPv2Settlement)',
    contracts: [{ name: 'CoW Protocol GPv2Settlement', chains: ['ethereum', 'evm:42161'], address: '0x9008D19f58AAbD9eD0D60971565AA8510560ab41' }],
  },
];
