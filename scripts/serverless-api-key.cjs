// How the functions get the core's API key on AWS, for serverless.yml: either the SSM parameter they
// read at run time (param supertokensApiKeyParameter, default /session-roles/<stage>/supertokens-api-key)
// or a CloudFormation reference resolved at deploy (param supertokensApiKey). Passing the reference
// alone is enough: the parameter, which `--param` cannot clear, then falls away, and so does its IAM
// statement. CommonJS: Serverless `require`s it.

/** The parameter's name, or "" when the key is passed as a reference (or the stage has neither). */
async function parameter({ options, resolveVariable }) {
  const key = await resolveVariable("param:supertokensApiKey, ''");
  // Both named on the command line: which one was meant cannot be told, so both are kept and the
  // deploy guard refuses them ("not both") in one line.
  const given = [options?.param ?? []].flat().map((pair) => String(pair).split("=")[0]);
  const both = given.includes("supertokensApiKey") && given.includes("supertokensApiKeyParameter");
  if (typeof key === "string" && key !== "" && !both) return "";
  const name = await resolveVariable("param:supertokensApiKeyParameter, ''");
  return typeof name === "string" ? name : "";
}

/** `ssm:GetParameter` on that parameter only; no statement at all without one (not `arn:…:parameter`). */
async function statements(context) {
  const name = await parameter(context);
  if (name === "") return [];
  const arn = ["arn:", { Ref: "AWS::Partition" }, ":ssm:", { Ref: "AWS::Region" }, ":"];
  return [
    {
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: { "Fn::Join": ["", [...arn, { Ref: "AWS::AccountId" }, `:parameter${name}`]] },
    },
  ];
}

module.exports = { parameter, statements };
