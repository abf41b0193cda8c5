// The SDK's own typings for the layers scim-setup takes alone (see client.ts): the SDK ships them
// under src/types, apart from the modules, so each module path is declared to use them.
declare module '@okta/okta-sdk-nodejs/src/collection.js' {
  export { Collection } from '@okta/okta-sdk-nodejs/src/types/collection.js';
}
declare module '@okta/okta-sdk-nodejs/src/http.js' {
  export { Http } from '@okta/okta-sdk-nodejs/src/types/http.js';
}
declare module '@okta/okta-sdk-nodejs/src/oauth.js' {
  export { OAuth } from '@okta/okta-sdk-nodejs/src/types/oauth.js';
}
declare module '@okta/okta-sdk-nodejs/src/request-executor.js' {
  // CommonJS `module.exports = RequestExecutor`: the module is the class.
  import { RequestExecutor } from '@okta/okta-sdk-nodejs/src/types/request-executor.js';
  export default RequestExecutor;
}
