// Fuzz target over the C# reader behind `config --source` (wcfpolicy/config.hpp): the bytes are
// the service's source file, beside a fixed contract; the configuration is fixed. Beyond "no crash"
// and "no hang" (libFuzzer's time-out), it checks that the same sources always give the same
// operations with the same options, or the same error, and that an error inside the sources names
// a line of the file it is in.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/config.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view kConfig =
    "<configuration><system.serviceModel><services><service name=\"Contoso.Orders.OrderService\">"
    "<endpoint address=\"net.tcp://orders/\" binding=\"netTcpBinding\" "
    "contract=\"Contoso.Orders.IOrderService\"/>"
    "</service></services></system.serviceModel></configuration>";

constexpr std::string_view kContract =
    "namespace Contoso.Orders {\n"
    "  [ServiceContract] public interface IOrderService {\n"
    "    [OperationContract] void PlaceOrder(string id);\n"
    "    [OperationContract] string GetOrder(int id);\n"
    "  }\n"
    "}\n";

std::string summary(
    const std::variant<std::vector<wcfpolicy::ConfigEndpoint>, wcfpolicy::ConfigError>& read) {
  if (const auto* error = std::get_if<wcfpolicy::ConfigError>(&read)) {
    return error->file + ":" + std::to_string(error->line) + ":" + std::to_string(error->column) + ": " +
           error->message;
  }
  std::string out;
  for (const auto& e : std::get<std::vector<wcfpolicy::ConfigEndpoint>>(read)) {
    out += e.operation.value_or("-") + "=" +
           (e.not_covered ? "not covered: " + *e.not_covered : e.request_json) + "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<wcfpolicy::SourceFile> sources{{"IOrderService.cs", std::string(kContract)},
                                                   {"OrderService.cs", text}};
  const wcfpolicy::ConfigInput input{
      .xml = kConfig, .file = "web.config", .assumptions = {}, .sources = sources};
  const auto first = wcfpolicy::read_wcf_config(input);
  const auto second = wcfpolicy::read_wcf_config(input);
  require(summary(first) == summary(second));
  if (const auto* error = std::get_if<wcfpolicy::ConfigError>(&first)) {
    require(!error->message.empty());
    if (error->file == "OrderService.cs") {
      const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
      require(error->line >= 1 && error->line <= lines);
    }
  }
  return 0;
}
