// `query` and `batch`: requests as JSON through wcfpolicy::evaluate_json, answers as JSON lines.
#include <fmt/format.h>

#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "batch_line.hpp"
#include "batch_threads.hpp"
#include "chain_command.hpp"
#include "command_error.hpp"
#include "commands.hpp"
#include "line_reader.hpp"
#include "streams.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {
namespace {

// batch's default: a second thread when the machine has a second core.
std::size_t default_threads() { return std::thread::hardware_concurrency() >= 2 ? 2 : 1; }

struct JsonCommandOptions {
  std::string file = "-";
  bool explain = false;
  std::size_t max_request_bytes = kMaxRequestBytes;
  std::vector<std::string> ad_paths;        // --ad
  std::size_t threads = default_threads();  // batch: 1, or 2 (read and parse; decide and write)
};

// The JSON options of a run, with the facts of --ad (imported once, kept in `facts`).
wcfpolicy::JsonOptions json_options_of(const JsonCommandOptions& options,
                                       std::optional<wcfpolicy::ad::Facts>& facts) {
  wcfpolicy::JsonOptions json_options{.explain = options.explain};
  if (!options.ad_paths.empty()) {
    facts = import_ad_for_chain(options.ad_paths);
    json_options.ad = &*facts;
  }
  return json_options;
}

// One request in, one answer line out. The answer is built whole before anything is written.
int run_query(const JsonCommandOptions& options) {
  InputSource input(options.file);
  const std::string request =
      input.read_all(options.max_request_bytes,
                     fmt::format("The limit is --max-request-bytes (now {}).", options.max_request_bytes));
  if (is_blank(request)) throw CommandError("no request: the input is empty");
  std::optional<wcfpolicy::ad::Facts> facts;
  const wcfpolicy::JsonOptions json_options = json_options_of(options, facts);
  std::string answer;
  if (auto error = wcfpolicy::evaluate_json(request, answer, json_options)) {
    throw CommandError(error->message);
  }
  answer += '\n';
  Output out;
  out.write(answer);
  out.flush();
  return kAnswered;
}

// JSON Lines in, JSON Lines out, in order, at bounded memory: one line at a time on one thread,
// a few blocks of lines in flight on two (batch_threads.hpp), with the same output.
int run_batch(const JsonCommandOptions& options) {
  InputSource input(options.file);
  Output out;
  std::optional<wcfpolicy::ad::Facts> facts;
  const wcfpolicy::JsonOptions json_options = json_options_of(options, facts);
  if (options.threads >= 2) {
    const bool all_good = answer_lines_on_two_threads(input, out, json_options, options.max_request_bytes);
    out.flush();
    return all_good ? kAnswered : kBadInput;
  }
  // A peer that writes a request and waits for its answer gets it before we wait for more input.
  input.set_before_wait([&out] { out.flush(); });
  LineReader::Line line;
  std::string answer;
  bool any_bad = false;
  while (input.next_line(line, options.max_request_bytes)) {
    if (line.blank) continue;
    answer.clear();
    if (!append_batch_result(answer, line, json_options, options.max_request_bytes)) any_bad = true;
    out.write(answer);
  }
  out.flush();
  return any_bad ? kBadInput : kAnswered;
}

void add_explain_flag(CLI::App& command, bool& explain) {
  command.add_flag("--explain", explain,
                   "Add \"explanation\" to each answer: the steps taken, each with its rule and the "
                   "inputs it read");
}

void add_max_request_bytes_option(CLI::App& command, std::size_t& max_request_bytes, std::string_view what) {
  command
      .add_option("--max-request-bytes", max_request_bytes,
                  fmt::format("The longest {} read, in bytes (default {})", what, kMaxRequestBytes))
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, kLargestMaxRequestBytes));
}

}  // namespace

void add_json_commands(CLI::App& app, int& status) {
  auto query_options = std::make_shared<JsonCommandOptions>();
  CLI::App* query =
      add_command(app, "query", "Answer one JSON request (from FILE, or standard input) with one JSON line");
  query->add_option("FILE", query_options->file, "The request; - or nothing for standard input")
      ->type_name("");
  add_explain_flag(*query, query_options->explain);
  add_ad_option(*query, query_options->ad_paths);
  add_max_request_bytes_option(*query, query_options->max_request_bytes, "request");
  query->footer(
      "A request is a JSON object whose \"question\" is impersonation, token_level, delegation_reach,\n"
      "scenario, winrm_proxy, winrm_config or chain, with that question's inputs as fields (policy-eval\n"
      "fields QUESTION lists them; --ad gives chain requests their Active Directory facts). A request that\n"
      "cannot be answered prints \"policy-eval: error: ...\" (naming the field) and exits with 2.\n\n"
      "Example:\n"
      "  echo '{\"question\":\"impersonation\",\"impersonation_option\":\"Allowed\",\n"
      "         \"impersonate_caller_for_all_operations\":true}' | policy-eval query\n"
      "  {\"question\":\"impersonation\",\"outcome\":\"impersonates\",\"rules\":[\"IO-3\"]}\n");
  query->callback([query_options, &status] { status = run_query(*query_options); });

  auto batch_options = std::make_shared<JsonCommandOptions>();
  CLI::App* batch =
      add_command(app, "batch", "Answer JSON Lines: one answer line per request line, in order");
  batch
      ->add_option("FILE", batch_options->file,
                   "The requests, one JSON object a line; - or nothing for standard input")
      ->type_name("");
  add_explain_flag(*batch, batch_options->explain);
  add_ad_option(*batch, batch_options->ad_paths);
  add_max_request_bytes_option(*batch, batch_options->max_request_bytes, "request line");
  batch
      ->add_option("--threads", batch_options->threads,
                   fmt::format("1: read, parse, decide and write on one thread; 2: read and parse on one, "
                               "decide and write on the other (the same output, in the same order). "
                               "Default {} (2 when the machine has two cores or more)",
                               batch_options->threads))
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, std::size_t{2}));
  batch->footer(
      "Blank lines are skipped (and counted). A bad line gets {\"line\":N,\"error\":{\"field\":...,\n"
      "\"message\":...}} in its place (N counts from 1); the other lines are still answered, and the\n"
      "exit status is then 2. A line longer than --max-request-bytes is such a bad line. Input is read\n"
      "and answered a line at a time, at constant memory; a byte order mark and CRLF are accepted.\n\n"
      "Example:\n"
      "  policy-eval batch requests.jsonl > answers.jsonl\n");
  batch->callback([batch_options, &status] { status = run_batch(*batch_options); });
}

}  // namespace policy_eval
