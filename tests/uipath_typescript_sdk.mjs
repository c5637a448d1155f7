// Drives UiPath's TypeScript SDK (@uipath/uipath-typescript, pinned in package.json) against the emulator.
// Usage: node tests/uipath_typescript_sdk.mjs <server url> <org> <tenant> <token> <folder id>
// Prints one JSON object with what each call returned; tests/test_emulator_uipath_typescript_sdk.py checks it.
import { UiPath } from '@uipath/uipath-typescript/core';
import { Queues } from '@uipath/uipath-typescript/queues';

const [baseUrl, orgName, tenantName, secret, folderText] = process.argv.slice(2);
const folderId = Number(folderText);
const sdk = new UiPath({ baseUrl, orgName, tenantName, secret });
const queues = new Queues(sdk);

const names = (result) => result.items.map((queue) => queue.name);
const all = await queues.getAll();
const filtered = await queues.getAll({ folderId, filter: "name eq 'invoicequeue'" });
const firstPage = await queues.getAll({ pageSize: 1 });
const secondPage = await queues.getAll({ cursor: firstPage.nextCursor });
const one = await queues.getById(filtered.items[0].id, folderId);

console.log(JSON.stringify({
  all: names(all),
  filtered: names(filtered),
  firstPage: { names: names(firstPage), totalCount: firstPage.totalCount, hasNextPage: firstPage.hasNextPage },
  secondPage: { names: names(secondPage), hasNextPage: secondPage.hasNextPage },
  one: { name: one.name, enforceUniqueReference: one.enforceUniqueReference, folderId: one.folderId },
}));
