// Express 4 is installed under the npm alias `express4` for the receiver tests; its API as
// used there (app.post, app.use, express.json/raw, listen) has the same types as Express 5's.
declare module 'express4' {
  import express from 'express';
  export default express;
}
