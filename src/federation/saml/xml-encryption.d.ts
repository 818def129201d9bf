/** The part of xml-encryption kamen uses (the package ships no types). */
declare module 'xml-encryption' {
  export function decrypt(xml: string, options: { key: string; disallowDecryptionWithInsecureAlgorithm?: boolean; warnInsecureAlgorithm?: boolean }, callback: (err: Error | null, result?: string) => void): void;
  export function encrypt(content: string, options: Record<string, unknown>, callback: (err: Error | null, result?: string) => void): void;
}
