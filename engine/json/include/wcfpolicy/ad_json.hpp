// wcfpolicy/ad_json.hpp -- Active Directory facts as JSON (docs/contract.md, "What `policy-eval
// ad --format json` prints"): the shape of inline facts, every field with its default, plus each
// account's provenance.
//
//   std::string out;
//   wcfpolicy::append_ad_facts_json(out, facts);
//   // {"domains":[...],"spn_mappings":[...],"accounts":[...],"findings":[...],"sources":[...]}
#pragma once

#include <string>

#include "wcfpolicy/ad.hpp"

namespace wcfpolicy {

// append_ad_facts_json(out, facts): one JSON object, no newline. Accounts in the order held;
// names as name@DOMAIN (the facts' default domain when an account has none).
void append_ad_facts_json(std::string& out, const ad::Facts& facts);

// append_ad_account_json(out, facts, account): one account of that object.
void append_ad_account_json(std::string& out, const ad::Facts& facts, const ad::Account& account);

}  // namespace wcfpolicy
