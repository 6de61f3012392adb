// policy-eval under hostile input, end to end through the built binary: the input
// limits and their errors (naming the line and the field), batch losing nothing (one result per
// non-blank line, in order, whatever the lines), stopping promptly and quietly when the output
// goes away, read and write errors, and byte-identical output for the same input.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::data;
using cli_test::lines_of;
using cli_test::read_file;
using cli_test::run;
using cli_test::Run;
using cli_test::starts_with;
using cli_test::TempFile;
using json = nlohmann::ordered_json;  // keeps the order of fields, so dump() gives the text back

namespace {

constexpr const char* kBom = "\xEF\xBB\xBF";
const std::string kRequest = R"({"question":"delegation_reach","token_level":"Delegation"})";
const std::string kAnswer =
    R"({"question":"delegation_reach","cross_process":true,"cross_machine":true,"documented":true,"rules":["DR-3"]})";

// nlohmann refuses to write a string that is not UTF-8.
bool is_valid_utf8(const std::string& text) {
  try {
    static_cast<void>(json(text).dump());
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

// batch's output, each line parsed (a line that is not JSON, or not UTF-8, fails the parse).
struct BatchRun {
  Run run;
  std::vector<json> lines;
};

BatchRun batch(const std::string& input, std::vector<std::string> args = {}) {
  args.insert(args.begin(), "batch");
  BatchRun result{run(args, {.input = input}), {}};
  CHECK((result.run.out.empty() || result.run.out.back() == '\n'));
  for (const std::string& line : lines_of(result.run.out)) result.lines.push_back(json::parse(line));
  return result;
}

// The error object of a bad batch line, after checking that it is line `line`'s.
json batch_error(const json& result, std::size_t line) {
  CHECK(result.contains("line"));
  CHECK(result.value("line", 0U) == line);
  return result.value("error", json::object());
}

// An answer to a request that is bad input: status 2, nothing on stdout, one error on stderr.
void check_refused(const Run& r) {
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("policy-eval: error: ", 0) == 0);
  CHECK(is_valid_utf8(r.err));
}

std::string nested_request(int arrays) {
  return R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","secure_conversation":)" +
         std::string(static_cast<std::size_t>(arrays), '[') +
         std::string(static_cast<std::size_t>(arrays), ']') + "}";
}

// A request of exactly `size` bytes (padded with spaces inside the object).
std::string request_of_size(std::size_t size) {
  std::string request = kRequest;
  REQUIRE(size >= request.size());
  request.insert(1, size - request.size(), ' ');
  return request;
}

// An audit record around `request` (JSON text).
std::string record(const std::string& name, const std::string& request, const std::string& expect = "{}") {
  return R"({"name":")" + name + R"(","request":)" + request + R"(,"expect":)" + expect + "}";
}

// ---- a child process with chosen descriptors, for what run() cannot set up --------------------

pid_t spawn(const std::vector<std::string>& args, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
  std::vector<std::string> argv_text = args;
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, argv_text[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + argv_text[0]);
  return pid;
}

// The exit status (128 + the signal when killed), or -1 when the child outlived `limit` (it is
// then killed).
int wait_at_most(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

// Reads `fd` up to the end of its first line.
std::string first_line(int fd) {
  std::string text;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') text += c;
  return text;
}

// What a reader that takes one line and leaves (`| head -1`) sees: the line, policy-eval's exit
// status and its standard error. `argv` runs with its stdin from `in`.
struct HeadRun {
  std::string line;
  int status = -1;
  std::string err;
  std::chrono::milliseconds after_close{0};
};

HeadRun read_one_line_and_leave(const std::vector<std::string>& argv, int in) {
  Pipe out;
  Pipe err;
  const pid_t pid = spawn(argv, in, out.write, err.write);
  out.close_write();
  err.close_write();
  HeadRun result;
  result.line = first_line(out.read);
  out.close_read();
  const auto closed = std::chrono::steady_clock::now();
  result.status = wait_at_most(pid, std::chrono::seconds(60));
  result.after_close =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - closed);
  result.err = read_all(err.read);
  return result;
}

}  // namespace

// ---- input limits: --max-request-bytes ----------------------------------------------------------

TEST_CASE("query reads a request up to --max-request-bytes (default 1 MiB) and refuses a larger one") {
  const std::size_t mib = std::size_t{1} << 20;
  const Run at_default = run({"query"}, {.input = request_of_size(mib)});
  CHECK(at_default.status == 0);
  CHECK(at_default.out == kAnswer + "\n");

  const Run over_default = run({"query"}, {.input = request_of_size(mib + 1)});
  check_refused(over_default);
  CHECK(contains(over_default.err, "larger than 1048576 bytes"));
  CHECK(contains(over_default.err, "--max-request-bytes"));

  const Run at_limit = run({"query", "--max-request-bytes", "100"}, {.input = request_of_size(100)});
  CHECK(at_limit.status == 0);
  CHECK(at_limit.out == kAnswer + "\n");
  const Run over_limit = run({"query", "--max-request-bytes", "100"}, {.input = request_of_size(101)});
  check_refused(over_limit);
  CHECK(contains(over_limit.err, "larger than 100 bytes"));

  const Run raised =
      run({"query", "--max-request-bytes", std::to_string(3 * mib)}, {.input = request_of_size(2 * mib)});
  CHECK(raised.status == 0);
}

TEST_CASE("batch answers a line up to --max-request-bytes and puts an error in place of a longer one") {
  const std::string input = request_of_size(100) + "\n" +    // line 1: at the limit
                            request_of_size(101) + "\n" +    // line 2: one byte over
                            request_of_size(100) + "\r\n" +  // line 3: the "\r" of CRLF does not count
                            "\n" + kRequest;                 // line 5, without a final newline
  const BatchRun r = batch(kBom + input, {"--max-request-bytes", "100"});  // nor does a byte order mark
  CHECK(r.run.status == 2);
  CHECK(r.run.err.empty());
  REQUIRE(r.lines.size() == 4);
  CHECK(r.lines[0].dump() == kAnswer);
  const json error = batch_error(r.lines[1], 2);
  CHECK(error["field"] == "");
  CHECK(contains(error["message"], "101 bytes long, more than the limit of 100 bytes (--max-request-bytes)"));
  CHECK(r.lines[2].dump() == kAnswer);
  CHECK(r.lines[3].dump() == kAnswer);
}

TEST_CASE("batch: a line of megabytes is one error line, and the lines after it are still answered") {
  const std::string huge =
      R"({"question":"delegation_reach","token_level":")" + std::string(3 << 20, 'D') + "\"}";
  const std::string input = kRequest + "\n" + huge + "\n" + kRequest + "\n" + huge + "\n" + kRequest;
  const BatchRun r = batch(input);
  CHECK(r.run.status == 2);
  REQUIRE(r.lines.size() == 5);
  for (const std::size_t answered : {0, 2, 4}) CHECK(r.lines[answered].dump() == kAnswer);
  for (const std::size_t bad : {1, 3}) {
    const json error = batch_error(r.lines[bad], bad + 1);
    CHECK(contains(error["message"], "more than the limit of 1048576 bytes"));
  }
  CHECK(r.run.out.size() < 2000);  // the huge lines are not echoed
}

TEST_CASE("--max-request-bytes must be a positive number of bytes") {
  for (const std::string command : {"query", "batch"}) {
    for (const std::string value : {"0", "-1", "abc", "1.5", "99999999999999999999999"}) {
      CAPTURE(command);
      CAPTURE(value);
      const Run r = run({command, "--max-request-bytes", value}, {.input = kRequest});
      check_refused(r);
      CHECK(contains(r.err, "--max-request-bytes"));
    }
  }
}

// ---- input limits: nesting, duplicate keys, invalid UTF-8, types; BOM and CRLF accepted ----------

TEST_CASE("nesting deeper than 32 levels is refused, naming the field, in query and batch") {
  const Run at_limit =
      run({"query"}, {.input = nested_request(31)});  // 32 levels: read, then refused for its type
  check_refused(at_limit);
  CHECK(contains(at_limit.err, "secure_conversation: expected an object, got an array"));

  const Run too_deep = run({"query"}, {.input = nested_request(32)});
  check_refused(too_deep);
  CHECK(contains(too_deep.err, "policy-eval: error: secure_conversation[0]"));
  CHECK(contains(too_deep.err, "nested deeper than 32 levels"));

  const Run very_deep = run({"query"}, {.input = nested_request(500000)});  // no stack overflow
  check_refused(very_deep);
  CHECK(contains(very_deep.err, "nested deeper than 32 levels"));

  const BatchRun r =
      batch(kRequest + "\n" + nested_request(32) + "\n" + nested_request(200000) + "\n" + kRequest);
  CHECK(r.run.status == 2);
  REQUIRE(r.lines.size() == 4);
  for (const std::size_t line : {2, 3}) {
    const json error = batch_error(r.lines[line - 1], line);
    CHECK(error["field"].get<std::string>().rfind("secure_conversation[0]", 0) == 0);
    CHECK(contains(error["message"], "nested deeper than 32 levels"));
  }
  CHECK(r.lines[3].dump() == kAnswer);
}

TEST_CASE("a key named twice is refused, naming the field, in query and batch") {
  const std::string top =
      R"({"question":"impersonation","impersonation_option":"Required","impersonation_option":"NotAllowed"})";
  const std::string nested =
      R"({"question":"winrm_proxy","winrm_version":"2.0","transport":"HTTP","auth_mechanism":"Kerberos","proxy":{"requires_authentication":true,"requires_authentication":false}})";
  const Run q = run({"query"}, {.input = top});
  check_refused(q);
  CHECK(q.err.rfind("policy-eval: error: impersonation_option: ", 0) == 0);
  CHECK(contains(q.err, R"(duplicate key "impersonation_option")"));

  const BatchRun r = batch(top + "\n" + nested + "\n");
  REQUIRE(r.lines.size() == 2);
  CHECK(batch_error(r.lines[0], 1)["field"] == "impersonation_option");
  const json error = batch_error(r.lines[1], 2);
  CHECK(error["field"] == "proxy.requires_authentication");
  CHECK(contains(error["message"], "duplicate key"));
}

TEST_CASE("invalid UTF-8 is refused with a message that is itself valid UTF-8, naming the field") {
  const std::vector<std::pair<std::string, std::string>> requests{
      {"{\"question\":\"impersonation\",\"impersonation_option\":\"Requ\xFFired\"}", "impersonation_option"},
      {"{\"question\":\"scenario\",\"binding\":\"NetTcp\xC0\xAF\"}", "binding"},  // overlong
      {"{\"question\":\"scenario\",\"binding\":\"\xED\xA0\x80\"}", "binding"},    // a surrogate
      {"{\"question\":\"scenario\",\"service_privileges\":[\"\xE2\x82\"]}",
       "service_privileges[0]"},                              // cut short
      {"{\"question\":\"scenario\",\"bind\xFEing\":1}", ""},  // in a key
      {"\xFF\xFE{\"question\":\"scenario\"}", ""},            // outside any string
  };
  std::string input;
  for (const auto& entry : requests) {
    const std::string& request = entry.first;
    const std::string& field = entry.second;
    CAPTURE(field);
    const Run q = run({"query"}, {.input = request});
    check_refused(q);  // includes: standard error is valid UTF-8
    CHECK((contains(q.err, "UTF-8") || contains(q.err, "byte \\x")));
    if (!field.empty()) CHECK(contains(q.err, "policy-eval: error: " + field + ": "));
    input += request + "\n";
  }
  const BatchRun r = batch(input);  // each output line parses as JSON: so it is UTF-8
  CHECK(r.run.status == 2);
  REQUIRE(r.lines.size() == requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CAPTURE(i);
    const json error = batch_error(r.lines[i], i + 1);
    CHECK(error["field"] == requests[i].second);
  }
}

TEST_CASE("numbers and strings where booleans are expected are refused, naming the field") {
  std::string input;
  const std::vector<std::string> values{"1", "0", "\"true\"", "\"false\"", "null"};
  for (const std::string& value : values) {
    input +=
        R"({"question":"token_level","mechanism":"s4u","allowed_impersonation_level":"Delegation","se_tcb_privilege":)" +
        value + R"(,"delegation_capable":true})" + "\n";
  }
  const BatchRun r = batch(input);
  REQUIRE(r.lines.size() == values.size());
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    CAPTURE(values[i]);
    const json error = batch_error(r.lines[i], i + 1);
    CHECK(error["field"] == "se_tcb_privilege");
    CHECK(contains(error["message"], "expected a boolean (true or false), got " +
                                         std::string(i < 2 ? "the number " : "the string ")));
  }
  // null is "not given", and the answer needs it
  CHECK(batch_error(r.lines.back(), values.size())["field"] == "se_tcb_privilege");

  const Run q = run(
      {"query"},
      {.input =
           R"({"question":"impersonation","impersonation_option":"Allowed","impersonate_caller_for_all_operations":"yes"})"});
  check_refused(q);
  CHECK(contains(
      q.err,
      R"(impersonate_caller_for_all_operations: expected a boolean (true or false), got the string "yes")"));
}

TEST_CASE("a byte order mark and CRLF line ends are accepted silently by query and batch") {
  const Run q = run(
      {"query"},
      {.input = std::string(kBom) +
                "{\r\n  \"question\": \"delegation_reach\",\r\n  \"token_level\": \"Delegation\"\r\n}\r\n"});
  CHECK(q.status == 0);
  CHECK(q.err.empty());
  CHECK(q.out == kAnswer + "\n");

  const BatchRun r = batch(kBom + kRequest + "\r\n\r\n \t\r\n" + kRequest + "\r\n" + kRequest + "\r");
  CHECK(r.run.status == 0);
  CHECK(r.run.err.empty());
  REQUIRE(r.lines.size() == 3);
  for (const json& line : r.lines) CHECK(line.dump() == kAnswer);
}

// ---- the same limits in audit records ----------------------------------------------------------

TEST_CASE("audit refuses a record with a key named twice, naming the line (or record) and the field") {
  const std::string good = record("good", kRequest, R"({"documented":true})");
  const std::string in_request = record(
      "twice",
      R"({"question":"impersonation","impersonation_option":"Required","impersonation_option":"NotAllowed"})",
      R"({"outcome":"impersonates"})");
  const TempFile lines(good + "\n\n" + in_request + "\n");
  const Run r = run({"audit", lines.path()});
  check_refused(r);
  CHECK(contains(
      r.err,
      lines.path() + ": line 3: request.impersonation_option: duplicate key \"impersonation_option\""));

  const TempFile in_expect(good + "\n" + record("b", kRequest, R"({"documented":true,"documented":false})") +
                           "\n");
  const Run e = run({"audit", in_expect.path()});
  check_refused(e);
  CHECK(contains(e.err, "line 2: expect.documented: duplicate key"));

  const TempFile array(
      "[" + good + ",\n" + R"({"name":"a","name":"b","request":)" + kRequest + R"(,"expect":{}})" + "]",
      ".json");
  const Run a = run({"audit", array.path()});
  check_refused(a);
  CHECK(contains(a.err, "record 2: name: duplicate key"));
}

TEST_CASE("audit: deep nesting, invalid UTF-8 and wrong types in records") {
  // A request nested too deep is the record's request error; a file nested deeper than any
  // record may be is refused (nlohmann's reader and writer would recurse through it).
  const TempFile deep_request(record("deep", nested_request(32)) + "\n");
  const Run d = run({"audit", "--format", "json", deep_request.path()});
  CHECK(d.status == 1);
  const json report = json::parse(d.out);
  CHECK(report["records"][0]["line"] == 1);
  CHECK(report["records"][0]["error"]["field"].get<std::string>().rfind("secure_conversation[0]", 0) == 0);
  CHECK(contains(report["records"][0]["error"]["message"], "nested deeper than 32 levels"));

  const TempFile deeper(record("ok", kRequest) + "\n" + record("deeper", nested_request(1000000)) + "\n");
  const Run f = run({"audit", deeper.path()});
  check_refused(f);
  CHECK(contains(f.err, "line 2: request.secure_conversation[0]"));
  CHECK(contains(f.err, "nested deeper than"));

  const TempFile utf8(record("ok", kRequest) + "\n" + record("caf\xE9", kRequest) + "\n");
  const Run u = run({"audit", utf8.path()});
  check_refused(u);  // its standard error is valid UTF-8
  CHECK(contains(u.err, "line 2: malformed JSON"));
  CHECK(contains(u.err, "\\xE9"));

  const TempFile types(
      record("bool", R"({"question":"token_level","mechanism":"s4u","se_tcb_privilege":1})") + "\n");
  const Run t = run({"audit", types.path()});
  CHECK(t.status == 1);
  CHECK(contains(t.out,
                 "FAIL bool\n  request error: se_tcb_privilege: expected a boolean (true or false), got the "
                 "number 1\n"));
  const json typed = json::parse(run({"audit", "--format", "json", types.path()}).out);
  CHECK(typed["records"][0]["line"] == 1);
  CHECK(typed["records"][0]["error"]["field"] == "se_tcb_privilege");
}

TEST_CASE("audit accepts a byte order mark and CRLF line ends silently") {
  const std::string a = record("a", kRequest, R"({"documented":true})");
  const std::string b = record("b", kRequest, R"({"cross_machine":true})");
  const TempFile lines(kBom + a + "\r\n\r\n" + b + "\r\n");
  const TempFile array(kBom + std::string("[\r\n") + a + ",\r\n" + b + "\r\n]\r\n", ".json");
  for (const std::string& path : {lines.path(), array.path()}) {
    CAPTURE(path);
    const Run r = run({"audit", path});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "PASS a\nPASS b\n2 passed, 0 failed\n");
  }
}

// ---- batch loses nothing -------------------------------------------------------------------------

TEST_CASE("batch: one result per non-blank line, in order, whatever the lines") {
  // Blank lines of every kind are skipped but counted; the last line has no newline.
  const std::string bad_type = R"({"question":"delegation_reach","token_level":true})";
  const std::string input = std::string("\n") + kRequest + "\n   \n\t\r\n" + bad_type + "\n" + "{" + "\n" +
                            "\n\n" + kRequest + "\n" + "[]" + "\n" + kRequest;
  const BatchRun r = batch(input);
  CHECK(r.run.status == 2);
  CHECK(r.run.err.empty());
  REQUIRE(r.lines.size() == 6);
  CHECK(r.lines[0].dump() == kAnswer);
  CHECK(batch_error(r.lines[1], 5)["field"] == "token_level");
  CHECK(contains(batch_error(r.lines[2], 6)["message"], "malformed JSON"));
  CHECK(r.lines[3].dump() == kAnswer);
  CHECK(contains(batch_error(r.lines[4], 10)["message"], "must be a JSON object"));
  CHECK(r.lines[5].dump() == kAnswer);

  // Nothing but blank lines: no output, and every line was answered.
  const BatchRun blank = batch("\n \r\n\t\n");
  CHECK(blank.run.status == 0);
  CHECK(blank.run.out.empty());
  CHECK(batch("").run.status == 0);
}

TEST_CASE("batch: a NUL byte or any other junk on a line is an error on that line only") {
  const std::string input = kRequest + "\n" + std::string("{\"question\":") + '\0' + "}" + "\n" +
                            "\x01\x02\x03" + "\n" + kRequest + "\n";
  const BatchRun r = batch(input);
  REQUIRE(r.lines.size() == 4);
  batch_error(r.lines[1], 2);
  batch_error(r.lines[2], 3);
  CHECK(r.lines[3].dump() == kAnswer);
}

TEST_CASE("batch | head -1 ends promptly, quietly and with a non-zero status") {
  std::signal(SIGPIPE, SIG_IGN);  // our own writes to a closed pipe fail with EPIPE instead

  SUBCASE("an endless input on a pipe") {
    Pipe in;
    std::thread writer([fd = in.write] {
      const std::string lines = [] {
        std::string text;
        for (int i = 0; i < 100; ++i) text += kRequest + "\n";
        return text;
      }();
      while (::write(fd, lines.data(), lines.size()) > 0) {
      }
    });
    const HeadRun r = read_one_line_and_leave({POLICY_EVAL, "batch"}, in.read);
    in.close_read();  // the writer's next write fails: nobody reads the pipe any more
    writer.join();
    CHECK(r.line == kAnswer);
    CHECK(r.status == 141);
    CHECK(r.err.empty());
    CHECK(r.after_close < std::chrono::seconds(10));
  }

  SUBCASE("a big file, through a real shell pipeline") {
    std::string lines;
    for (int i = 0; i < 1000; ++i) lines += kRequest + "\n";
    std::string big;
    for (int i = 0; i < 500; ++i) big += lines;  // 500,000 requests, about 30 MB
    const TempFile file(big);
    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const auto start = std::chrono::steady_clock::now();
    const HeadRun r = read_one_line_and_leave(
        {"/bin/bash", "-c",
         std::string("set -o pipefail; '") + POLICY_EVAL + "' batch '" + file.path() + "' | head -1"},
        null_in);
    ::close(null_in);
    CHECK(r.line == kAnswer);
    CHECK(r.status == 141);
    CHECK(r.err.empty());
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  }
}

TEST_CASE("a full output ends the command with one error line") {
  for (const std::string command : {"batch", "query"}) {
    CAPTURE(command);
    const TempFile input(kRequest + "\n");
    const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    const int in = ::open(input.path().c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(full >= 0);
    Pipe err;
    const pid_t pid = spawn({POLICY_EVAL, command}, in, full, err.write);
    err.close_write();
    ::close(full);
    ::close(in);
    CHECK(wait_at_most(pid, std::chrono::seconds(60)) == 2);
    CHECK(read_all(err.read) == "policy-eval: error: cannot write the output: No space left on device\n");
  }
}

TEST_CASE("a read error is reported with the line it stopped at, after the lines before it are answered") {
  const std::string directory = data("batch");
  const Run b = run({"batch", directory});
  check_refused(b);
  CHECK(b.err == "policy-eval: error: cannot read " + directory + " at line 1: Is a directory\n");
  const Run q = run({"query", directory});
  check_refused(q);
  CHECK(contains(q.err, "cannot read " + directory + ": Is a directory"));
  check_refused(run({"audit", directory}));

  // A connection reset after two lines and part of a third: the two are answered, then the error.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  REQUIRE(server >= 0);
  const std::string sent = kRequest + "\n" + kRequest + "\n" + R"({"question":"deleg)";
  REQUIRE(::write(client, sent.data(), sent.size()) == static_cast<ssize_t>(sent.size()));
  const linger reset{1, 0};  // close with a reset, not an orderly end
  ::setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  ::close(client);
  Pipe out;
  Pipe err;
  const pid_t pid = spawn({POLICY_EVAL, "batch"}, server, out.write, err.write);
  out.close_write();
  err.close_write();
  ::close(server);
  ::close(listener);
  const std::string answers = read_all(out.read);
  CHECK(wait_at_most(pid, std::chrono::seconds(60)) == 2);
  CHECK(answers == kAnswer + "\n" + kAnswer + "\n");
  CHECK(read_all(err.read) ==
        "policy-eval: error: cannot read standard input at line 3: Connection reset by peer\n");
}

// ---- determinism ---------------------------------------------------------------------------------

TEST_CASE("the same input gives byte-identical output: query, batch and audit, run twice") {
  std::vector<std::vector<std::string>> commands;
  for (const auto& entry : std::filesystem::directory_iterator(data("query"))) {
    if (entry.path().extension() != ".json") continue;
    commands.push_back({"query", entry.path().string()});
    commands.push_back({"query", "--explain", entry.path().string()});
  }
  commands.push_back({"batch", data("batch/mixed.jsonl")});
  commands.push_back({"batch", "--explain", data("batch/mixed.jsonl")});
  for (const std::string format : {"text", "json", "junit", "sarif"}) {
    commands.push_back({"audit", "--format", format, data("audit/failing.json")});
    commands.push_back({"audit", "--format", format, "--coverage", data("audit/passing.jsonl")});
  }
  // Every request of the batch at once, errors included.
  std::string all;
  for (const auto& command : commands)
    if (command[0] == "query") all += read_file(command.back()) + "\n";
  for (const auto& command : commands) {
    std::string shown;
    for (const std::string& arg : command) shown += arg + " ";
    CAPTURE(shown);
    const Run first = run(command);
    const Run second = run(command);
    CHECK_FALSE(first.out.empty());
    CHECK(first.out == second.out);
    CHECK(first.err == second.err);
    CHECK(first.status == second.status);
  }
  const Run first = run({"batch"}, {.input = all});
  CHECK(first.out == run({"batch"}, {.input = all}).out);
}
