// Trick 2: libphonenumber-js/max (~280 KB of metadata) is reached only through User.hasSamePhoneNumberAs
// (account linking of passwordless users). No function here signs users in by phone; a call fails loudly.
function parsePhoneNumber() {
  throw new Error(
    "session-roles build: phone numbers are not supported in this bundle (libphonenumber-js was left out)",
  );
}
module.exports = parsePhoneNumber;
module.exports.default = parsePhoneNumber;
module.exports.parsePhoneNumber = parsePhoneNumber;
