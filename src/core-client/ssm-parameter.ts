/**
 * Reads a (SecureString) parameter from SSM Parameter Store with the AWS SDK v3 that the Lambda
 * Node.js runtime carries, so no bundle carries the SDK. `require` (not `import()`) because only
 * CommonJS resolution honours NODE_PATH, where the runtime keeps its SDK; and a `require` made by
 * createRequire is opaque to esbuild, which leaves it to run time.
 */
import type * as Ssm from "@aws-sdk/client-ssm";
import type { KeyReader } from "./api-key.ts";

let client: Ssm.SSMClient | undefined;

export function ssmParameterReader(name: string): KeyReader {
  return async () => {
    const load = process.getBuiltinModule("node:module").createRequire(import.meta.url);
    const { SSMClient, GetParameterCommand } = load("@aws-sdk/client-ssm") as typeof Ssm;
    // Short timeouts and one retry: a request waits for this read within its own core deadline.
    client ??= new SSMClient({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    });
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (!Parameter?.Value) throw new Error(`SSM parameter ${name} has no value`);
    return Parameter.Value;
  };
}
