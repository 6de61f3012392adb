// The entry points: which reader a path needs (by extension, else by content), directories and
// SharpHound zips, and the byte sources the readers stream from.
#include "wcfpolicy/ad_import.hpp"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "import_detail.hpp"

namespace wcfpolicy::ad_import {

std::string to_string(const ImportError& error) {
  if (error.line != 0) {
    return error.file + ":" + std::to_string(error.line) + ":" + std::to_string(error.column) + ": " +
           error.message;
  }
  if (error.has_offset) return error.file + ": byte " + std::to_string(error.offset) + ": " + error.message;
  return error.file + ": " + error.message;
}

namespace detail {
namespace {

ImportError error_of(std::string file, std::string message) {
  ImportError error;
  error.file = std::move(file);
  error.message = std::move(message);
  return error;
}

class FileSource final : public ByteSource {
 public:
  explicit FileSource(std::string path) : name_(std::move(path)) {
    file_ = std::fopen(name_.c_str(), "rb");
    if (file_ == nullptr)
      throw ReadFailure{error_of(name_, std::string("cannot open: ") + std::strerror(errno))};
  }
  ~FileSource() override { std::fclose(file_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t n = std::fread(buffer, 1, capacity, file_);
    if (n == 0 && std::ferror(file_))
      throw ReadFailure{error_of(name_, std::string("cannot read: ") + std::strerror(errno))};
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  std::FILE* file_ = nullptr;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string name, std::string_view bytes) : name_(std::move(name)), bytes_(bytes) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, bytes_.size());
    std::memcpy(buffer, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  std::string_view bytes_;
};

class ZipEntrySource final : public ByteSource {
 public:
  ZipEntrySource(zip_t* archive, zip_uint64_t index, std::string name) : name_(std::move(name)) {
    file_ = zip_fopen_index(archive, index, 0);
    if (file_ == nullptr) {
      throw ReadFailure{error_of(name_, std::string("cannot open the zip entry: ") + zip_strerror(archive))};
    }
  }
  ~ZipEntrySource() override { zip_fclose(file_); }
  ZipEntrySource(const ZipEntrySource&) = delete;
  ZipEntrySource& operator=(const ZipEntrySource&) = delete;
  std::size_t read(char* buffer, std::size_t capacity) override {
    const zip_int64_t n = zip_fread(file_, buffer, capacity);
    if (n < 0) {
      throw ReadFailure{error_of(
          name_, std::string("cannot read the zip entry: ") + zip_error_strerror(zip_file_get_error(file_)))};
    }
    return static_cast<std::size_t>(n);
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  zip_file_t* file_ = nullptr;
};

enum class Format : std::uint8_t { sharphound, ldif, zip, unknown };

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && ad::iequals(text.substr(text.size() - suffix.size()), suffix);
}

Format format_by_name(std::string_view name) {
  if (ends_with_nocase(name, ".json")) return Format::sharphound;
  if (ends_with_nocase(name, ".zip")) return Format::zip;
  if (ends_with_nocase(name, ".ldif") || ends_with_nocase(name, ".ldf")) return Format::ldif;
  return Format::unknown;
}

Format format_by_content(std::string_view head) {
  if (head.starts_with("PK\x03\x04")) return Format::zip;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() &&
         (head.front() == ' ' || head.front() == '\n' || head.front() == '\r' || head.front() == '\t'))
    head.remove_prefix(1);
  if (head.starts_with("{")) return Format::sharphound;
  if (head.starts_with("dn:") || head.starts_with("version:") || head.starts_with("#")) return Format::ldif;
  return Format::unknown;
}

void read_stream(Format format, ByteSource& source, std::string_view display, Builder& builder) {
  builder.source(source.name());
  if (format == Format::sharphound) {
    read_sharphound(source, display, builder);
  } else {
    read_ldif(source, display, builder);
  }
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};

void read_zip(zip_t* raw, const std::string& path, Builder& builder) {
  const std::unique_ptr<zip_t, ZipCloser> archive(raw);
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  std::size_t read_any = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* entry = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (entry == nullptr)
      throw ReadFailure{error_of(path, std::string("a bad zip entry: ") + zip_strerror(archive.get()))};
    const Format format = format_by_name(entry);
    if (format != Format::sharphound && format != Format::ldif) continue;
    ZipEntrySource source(archive.get(), static_cast<zip_uint64_t>(i), path + "!" + entry);
    const std::string display = std::string(base_name(path)) + "!" + std::string(base_name(entry));
    read_stream(format, source, display, builder);
    ++read_any;
  }
  if (read_any == 0) throw ReadFailure{error_of(path, "the zip holds no SharpHound .json or LDIF file")};
}

void read_path(const std::string& path, Builder& builder, bool in_directory);

void read_directory(const std::string& path, Builder& builder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string name = entry.path().string();
    if (format_by_name(name) != Format::unknown) files.push_back(name);
  }
  if (ec) throw ReadFailure{error_of(path, "cannot read the directory: " + ec.message())};
  if (files.empty())
    throw ReadFailure{
        error_of(path, "the directory holds no SharpHound (.json, .zip) or LDIF (.ldif, .ldf) file")};
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) read_path(file, builder, true);
}

void read_path(const std::string& path, Builder& builder, bool in_directory) {
  std::error_code ec;
  if (!in_directory && std::filesystem::is_directory(path, ec)) return read_directory(path, builder);
  Format format = format_by_name(path);
  if (format == Format::unknown) {
    FileSource probe(path);
    std::string head(64, '\0');
    head.resize(probe.read(head.data(), head.size()));
    format = format_by_content(head);
    if (format == Format::unknown) {
      throw ReadFailure{error_of(path,
                                 "not a SharpHound .json or .zip, nor LDIF (.ldif, .ldf, or text starting "
                                 "with dn: or version:)")};
    }
  }
  if (format == Format::zip) {
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive == nullptr) {
      zip_error_t error;
      zip_error_init_with_code(&error, code);
      const std::string message = std::string("not a readable zip: ") + zip_error_strerror(&error);
      zip_error_fini(&error);
      throw ReadFailure{error_of(path, message)};
    }
    return read_zip(archive, path, builder);
  }
  FileSource source(path);
  read_stream(format, source, base_name(path), builder);
}

// The accounts a SharpHound users or computers file says it holds: meta.count, read from the
// file's last bytes, where SharpHound writes `meta`. Only a hint to size the accounts once (0
// when the file is not such a file, or the tail does not say); the reader checks `meta` itself.
std::size_t accounts_hint_of_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return 0;
  std::string tail(4096, '\0');
  long size = -1;
  if (std::fseek(file, 0, SEEK_END) == 0) size = std::ftell(file);
  if (size > 0 && std::fseek(file, std::max(0L, size - static_cast<long>(tail.size())), SEEK_SET) == 0) {
    tail.resize(std::fread(tail.data(), 1, tail.size(), file));
  } else {
    tail.clear();
  }
  std::fclose(file);
  const auto meta = tail.rfind("\"meta\"");
  if (meta == std::string::npos) return 0;
  const std::string_view rest = std::string_view(tail).substr(meta);
  // The value after `"name"` and a colon, without its quotes.
  const auto value_of = [&](std::string_view name) {
    const auto at = rest.find(name);
    if (at == std::string_view::npos) return std::string_view{};
    std::string_view v = rest.substr(at + name.size());
    while (!v.empty() && (v.front() == ' ' || v.front() == ':' || v.front() == '"')) v.remove_prefix(1);
    return v.substr(0, v.find_first_of("\",} \r\n"));
  };
  const std::string_view type = value_of("\"type\"");
  if (!ad::iequals(type, "users") && !ad::iequals(type, "computers")) return 0;
  std::size_t count = 0;
  for (char c : value_of("\"count\"")) {
    if (c < '0' || c > '9' || count > (std::size_t{1} << 40)) return 0;
    count = count * 10 + static_cast<std::size_t>(c - '0');
  }
  // No element of `data` is shorter than about 24 bytes: a count beyond that is not believed.
  return std::min(count, static_cast<std::size_t>(size) / 24);
}

std::size_t accounts_hint(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::size_t sum = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec) && format_by_name(entry.path().string()) == Format::sharphound)
        sum += accounts_hint_of_file(entry.path().string());
    }
    return sum;
  }
  return format_by_name(path) == Format::sharphound ? accounts_hint_of_file(path) : 0;
}

}  // namespace
}  // namespace detail

std::variant<ad::Facts, ImportError> import_ad(const std::vector<std::string>& paths) {
  detail::Builder builder;
  std::size_t expected_accounts = 0;
  for (const std::string& path : paths) expected_accounts += detail::accounts_hint(path);
  builder.reserve_accounts(expected_accounts);
  try {
    for (const std::string& path : paths) detail::read_path(path, builder, false);
  } catch (detail::ReadFailure& failure) {
    return std::move(failure.error);
  }
  return builder.finish();
}

std::variant<ad::Facts, ImportError> import_ad_text(std::string_view name, std::string_view content) {
  detail::Builder builder;
  try {
    detail::Format format = detail::format_by_name(name);
    if (format == detail::Format::unknown) format = detail::format_by_content(content.substr(0, 64));
    if (format == detail::Format::unknown) {
      throw detail::ReadFailure{detail::error_of(std::string(name), "not SharpHound JSON, a zip, nor LDIF")};
    }
    if (format == detail::Format::zip) {
      zip_error_t error;
      zip_error_init(&error);
      zip_source_t* source = zip_source_buffer_create(content.data(), content.size(), 0, &error);
      zip_t* archive = source == nullptr ? nullptr : zip_open_from_source(source, ZIP_RDONLY, &error);
      if (archive == nullptr) {
        const std::string message = std::string("not a readable zip: ") + zip_error_strerror(&error);
        if (source != nullptr) zip_source_free(source);
        zip_error_fini(&error);
        throw detail::ReadFailure{detail::error_of(std::string(name), message)};
      }
      zip_error_fini(&error);
      detail::read_zip(archive, std::string(name), builder);
    } else {
      detail::MemorySource source{std::string(name), content};
      detail::read_stream(format, source, detail::base_name(name), builder);
    }
  } catch (detail::ReadFailure& failure) {
    return std::move(failure.error);
  }
  return builder.finish();
}

}  // namespace wcfpolicy::ad_import
