#!/usr/bin/env node
// Validates a Teams app package's manifest.json (and its translation files) with Microsoft's
// own manifest library, @microsoft/teams-manifest: ManifestUtil.validateManifestAgainstSchema,
// ajv underneath. ManifestUtil.validateManifest would download the schema named by $schema;
// the tests run offline, so the schema comes from the one Microsoft ships for that manifest
// version in @microsoft/app-manifest.
//
//   node validate.js <unpacked package folder>
//
// The translation files are checked against the Localization schema by the same ajv (draft-04)
// that ManifestUtil builds, with one option changed: the v1.30 Localization schema has patterns
// (`\b]`) that are no valid Unicode regular expressions, which ManifestUtil's ajv refuses to
// compile, so these are compiled as plain regular expressions, as JSON Schema's own draft does.
//
// Prints {"files": {"manifest.json": [problems], "sv-se.json": [...]}} and exits 0 when every
// list is empty, 1 when any is not, 2 when the input cannot be read.
"use strict";

const fs = require("fs");
const path = require("path");
const Ajv04 = require("ajv-draft-04");
const addFormats = require("ajv-formats");
const { ManifestUtil } = require("@microsoft/teams-manifest");

const SCHEMAS = path.join(
  path.dirname(require.resolve("@microsoft/app-manifest/package.json")),
  "build", "json-schemas", "teams",
);

function readJson(file) {
  // Teams accepts a byte-order mark; JSON.parse does not.
  return JSON.parse(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
}

function schemaFor(version, kind) {
  const file = path.join(SCHEMAS, `v${version}`, `MicrosoftTeams.${kind}schema.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`no bundled schema for manifest version ${version} (${file})`);
  }
  return readJson(file);
}

function localizationValidator(schema) {
  const ajv = new Ajv04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(schema);
  return (document) => (validate(document) ? [] : validate.errors.map(
    (error) => `${error.instancePath} ${error.message || ""}. Details: ${JSON.stringify(error.params)}`));
}

async function main() {
  const folder = process.argv[2];
  if (!folder) {
    throw new Error("usage: node validate.js <unpacked package folder>");
  }
  const manifest = readJson(path.join(folder, "manifest.json"));
  // The schema the manifest declares, as ManifestUtil.fetchSchema would fetch it; its `const`
  // then checks that manifestVersion agrees.
  const declared = /\/v(\d+\.\d+)\/MicrosoftTeams\.schema\.json$/.exec(manifest.$schema || "");
  if (!declared) {
    return { "manifest.json": [`/$schema must name a published manifest schema (got ${JSON.stringify(manifest.$schema)})`] };
  }
  const version = declared[1];
  const files = {
    "manifest.json": await ManifestUtil.validateManifestAgainstSchema(
      manifest, schemaFor(version, "")),
  };
  const languages = (manifest.localizationInfo || {}).additionalLanguages || [];
  if (languages.length) {
    const validate = localizationValidator(schemaFor(version, "Localization."));
    for (const language of languages) {
      files[language.file] = validate(readJson(path.join(folder, language.file)));
    }
  }
  return files;
}

main().then(
  (files) => {
    process.stdout.write(JSON.stringify({ files }) + "\n");
    process.exit(Object.values(files).some((problems) => problems.length) ? 1 : 0);
  },
  (error) => {
    process.stderr.write(`manifest-check: ${error.message}\n`);
    process.exit(2);
  },
);
