/** AWS's texts shared by several SigV4 steps. */

/** AWS's generic SignatureDoesNotMatch text. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
