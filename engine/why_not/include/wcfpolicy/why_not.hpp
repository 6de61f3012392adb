// wcfpolicy/why_not.hpp
//
// "What would change this answer?" Given a request and a wanted value of one answer field, the
// search tries changes to the request's inputs over their finite domains, fewest changed fields
// first, and keeps only minimal change sets (no reported set contains another). Auditors use the
// same search the other way round: which changes would make a service reach an answer they fear.
//
//   auto report = wcfpolicy::why_not(request_json, {"token_level", "\"Delegation\""});
//   // report.sets[0].changes: {allowed_impersonation_level: "Delegation"}, ...
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wcfpolicy/policy.hpp"

namespace wcfpolicy {

// Goal: an answer field and the value wanted there, as JSON text ("\"Delegation\"", "true").
struct Goal {
  std::string field;
  std::string value_json;
};

struct WhyNotOptions {
  std::size_t max_changes = 3;   // the largest change set tried
  std::size_t max_results = 12;  // minimal sets reported at most
};

struct FieldChange {
  std::string field;       // a request field
  std::string value_json;  // its new value, as JSON ("null": left out)
};

struct ChangeSet {
  std::vector<FieldChange> changes;
  std::vector<std::string> rules;  // the rules that would then decide
  std::string answer_json;         // the answer the changed request gets
};

struct WhyNotReport {
  bool already = false;         // the request already gets the wanted value
  std::string current;          // its answer (JSON), or the error that stops it
  std::vector<ChangeSet> sets;  // minimal change sets, fewest changes first
  std::size_t evaluated = 0;    // requests tried
  bool truncated = false;       // more sets exist than max_results
};

// why_not(request, goal): the minimal change sets that give `goal`. An error when the request
// is not valid JSON of a known question, or the goal names no answer field of that question or
// a value that field never takes.
[[nodiscard]] std::variant<WhyNotReport, RequestError> why_not(std::string_view request_json,
                                                               const Goal& goal,
                                                               const WhyNotOptions& options = {});

// parse_goal("token_level=Delegation"): field and JSON value; the value is JSON where it parses
// as JSON (true, null, 3), else a string.
[[nodiscard]] std::variant<Goal, RequestError> parse_goal(std::string_view text);

}  // namespace wcfpolicy
