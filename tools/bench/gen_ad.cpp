// gen-ad N DIR [SEED]: a seeded Active Directory of N objects (about 80% users, 18% computers, 2%
// groups, one domain), written as SharpHound v6 files (DIR/users.json, computers.json, groups.json,
// domains.json; `meta` last, as SharpHound writes it) and as one LDIF dump (DIR/dump.ldif) of the
// same objects, for the import benchmark (README, Performance). The same N and SEED give the same
// bytes. The objects carry the properties a real collector writes, not only those the importer
// reads, so that the files have a realistic size.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr const char* kDomain = "CORP.EXAMPLE";
constexpr const char* kDomainSid = "S-1-5-21-1004336348-1177238915-682003330";

std::string sid(std::uint64_t rid) { return std::string(kDomainSid) + "-" + std::to_string(rid); }

class Writer {
 public:
  explicit Writer(const std::string& path) : file_(std::fopen(path.c_str(), "wb")), path_(path) {
    if (file_ == nullptr) {
      std::perror(path.c_str());
      std::exit(2);
    }
    buffer_.reserve(1 << 20);
  }
  ~Writer() {
    flush();
    std::fclose(file_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  Writer& operator<<(const std::string& text) {
    buffer_ += text;
    if (buffer_.size() > (1 << 20) - 4096) flush();
    return *this;
  }
  void flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      std::perror(path_.c_str());
      std::exit(2);
    }
    buffer_.clear();
  }

 private:
  std::FILE* file_;
  std::string path_;
  std::string buffer_;
};

std::string quoted(const std::string& s) { return "\"" + s + "\""; }
std::string boolean(bool b) { return b ? "true" : "false"; }
std::string string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + quoted(items[i]);
  return out + "]";
}

std::string base64(const std::string& bytes) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16 |
                            static_cast<unsigned char>(bytes[i + 1]) << 8 |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += a[n >> 18 & 63];
    out += a[n >> 12 & 63];
    out += a[n >> 6 & 63];
    out += a[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out += a[n >> 18 & 63];
    out += a[n >> 12 & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t n =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += a[n >> 18 & 63];
    out += a[n >> 12 & 63];
    out += a[n >> 6 & 63];
    out += '=';
  }
  return out;
}

std::string le32(std::uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i) & 0xFF);
  return out;
}

std::string sid_bytes(std::uint64_t rid) {  // S-1-5-21-a-b-c-rid
  std::string out = {1, 5, 0, 0, 0, 0, 0, 5};
  for (std::uint32_t sub : {21u, 1004336348u, 1177238915u, 682003330u, static_cast<std::uint32_t>(rid)})
    out += le32(sub);
  return out;
}

std::string rbcd_descriptor(const std::vector<std::uint64_t>& rids) {
  std::string aces;
  for (std::uint64_t rid : rids) {
    const std::string body = le32(0x000F01FF) + sid_bytes(rid);
    aces += std::string{0, 0} + static_cast<char>((4 + body.size()) & 0xFF) + static_cast<char>(0) + body;
  }
  std::string acl = {4, 0};
  acl += static_cast<char>((8 + aces.size()) & 0xFF);
  acl += static_cast<char>((8 + aces.size()) >> 8);
  acl += static_cast<char>(rids.size());
  acl += std::string{0, 0, 0};
  acl += aces;
  std::string sd = {1, 0, 4, static_cast<char>(0x80)};
  sd += le32(0) + le32(0) + le32(0) + le32(20);
  return sd + acl;
}

// An LDIF line, folded at 76 columns as ldapsearch does.
std::string ldif_line(const std::string& name, const std::string& value, bool binary = false) {
  std::string line = name + (binary ? ":: " + base64(value) : ": " + value);
  std::string out = line.substr(0, 76);
  for (std::size_t i = 76; i < line.size(); i += 75) out += "\n " + line.substr(i, 75);
  return out + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen-ad N DIR [SEED]\n");
    return 2;
  }
  const std::uint64_t n = std::strtoull(argv[1], nullptr, 10);
  const std::string dir = argv[2];
  std::mt19937_64 random(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20260101);
  const auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(random) < p; };
  const std::uint64_t groups = std::max<std::uint64_t>(2, n / 50);
  const std::uint64_t computers = n * 18 / 100;
  const std::uint64_t users = n - groups - computers;
  // RIDs: users from 10000, computers after them, groups after those; group 0 is Protected Users.
  const auto user_rid = [](std::uint64_t i) { return 10000 + i; };
  const auto computer_rid = [&](std::uint64_t i) { return 10000 + users + i; };
  const auto group_rid = [&](std::uint64_t i) {
    return i == 0 ? std::uint64_t{525} : 10000 + users + computers + i;
  };
  const auto group_name = [](std::uint64_t i) {
    return i == 0 ? std::string("Protected Users") : "Group" + std::to_string(i);
  };
  std::vector<std::vector<std::uint64_t>> members(groups);  // by RID
  std::vector<std::vector<std::uint64_t>> member_of_user(users);
  std::uniform_int_distribution<std::uint64_t> pick_group(1, groups - 1);
  for (std::uint64_t i = 0; i < users; ++i) {
    const int count = 1 + static_cast<int>(random() % 3);
    for (int k = 0; k < count; ++k) {
      const std::uint64_t g = chance(0.002) ? 0 : pick_group(random);
      members[g].push_back(user_rid(i));
      member_of_user[i].push_back(g);
    }
  }
  std::vector<std::uint64_t> parent_group(groups, 0);
  for (std::uint64_t g = 2; g < groups; ++g) {
    if (chance(0.2)) {
      parent_group[g] = 1 + random() % (g - 1);  // nested in an older group
      members[parent_group[g]].push_back(group_rid(g));
    }
  }

  Writer ldif(dir + "/dump.ldif");
  ldif << "# extended LDIF\n#\n# LDAPv3\n# base <DC=corp,DC=example> with scope subtree\n#\nversion: 1\n\n";
  ldif << "dn:\ndomainControllerFunctionality: 7\ndefaultNamingContext: DC=corp,DC=example\n\n";
  ldif << "# corp.example\ndn: DC=corp,DC=example\nobjectClass: top\nobjectClass: domain\nobjectClass: "
          "domainDNS\n"
       << ldif_line("objectSid",
                    std::string{1, 4, 0, 0, 0, 0, 0, 5} + le32(21) + le32(1004336348u) + le32(1177238915u) +
                        le32(682003330u),
                    true)
       << "msDS-Behavior-Version: 7\n\n";

  {
    Writer out(dir + "/users.json");
    out << "{\"data\":[";
    for (std::uint64_t i = 0; i < users; ++i) {
      const std::string sam = "user" + std::to_string(i);
      const bool service = chance(0.05);
      const bool disabled = chance(0.05), sensitive = chance(0.01), t2a = service && chance(0.1);
      std::vector<std::string> spns, a2d;
      if (service) spns = {"HTTP/svc" + std::to_string(i) + ".corp.example", "HTTP/svc" + std::to_string(i)};
      if (service && chance(0.2))
        a2d = {"MSSQLSvc/sql" + std::to_string(random() % (computers + 1)) + ".corp.example:1433"};
      std::uint32_t uac =
          0x200 | (disabled ? 0x2u : 0u) | (sensitive ? 0x100000u : 0u) | (t2a ? 0x1000000u : 0u);
      out << (i ? "," : "")
          << "\n{\"Properties\":{\"domain\":\"" + std::string(kDomain) + "\",\"name\":\"USER" +
                 std::to_string(i) + "@" + kDomain + "\",\"distinguishedname\":\"CN=" + sam +
                 ",OU=Staff,DC=CORP,DC=EXAMPLE\",\"domainsid\":\"" + kDomainSid + "\",\"samaccountname\":\"" +
                 sam +
                 "\",\"isaclprotected\":false,\"description\":null,\"whencreated\":1696000000,"
                 "\"sensitive\":" +
                 boolean(sensitive) +
                 ",\"dontreqpreauth\":false,\"passwordnotreqd\":false,"
                 "\"unconstraineddelegation\":false,\"pwdneverexpires\":" +
                 boolean(service) + ",\"enabled\":" + boolean(!disabled) +
                 ",\"trustedtoauth\":" + boolean(t2a) +
                 ",\"lastlogon\":133400000000000000,\"lastlogontimestamp\":133400000000000000,"
                 "\"pwdlastset\":133300000000000000,\"serviceprincipalnames\":" +
                 string_array(spns) + ",\"hasspn\":" + boolean(service) + ",\"displayname\":\"User " +
                 std::to_string(i) + "\",\"email\":\"" + sam +
                 "@corp.example\",\"title\":\"Analyst\",\"homedirectory\":null,\"userpassword\":null,"
                 "\"admincount\":false,\"sidhistory\":[],\"allowedtodelegate\":" +
                 string_array(a2d) + ",\"useraccountcontrol\":" + std::to_string(uac) +
                 "},\"AllowedToDelegate\":[],\"PrimaryGroupSID\":\"" + sid(513) +
                 "\",\"HasSIDHistory\":[],\"SPNTargets\":[],\"Aces\":[{\"PrincipalSID\":\"" + sid(512) +
                 "\",\"PrincipalType\":\"Group\",\"RightName\":\"GenericAll\",\"IsInherited\":false}],"
                 "\"ObjectIdentifier\":\"" +
                 sid(user_rid(i)) + "\",\"IsDeleted\":false,\"IsACLProtected\":false,\"ContainedBy\":null}";
      ldif << "# " << sam << ", Staff, corp.example\n"
           << ldif_line("dn", "CN=" + sam + ",OU=Staff,DC=corp,DC=example")
           << "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n"
           << "sAMAccountName: " << sam << "\nuserAccountControl: " << std::to_string(uac) << "\n"
           << ldif_line("objectSid", sid_bytes(user_rid(i)), true) << "primaryGroupID: 513\n";
      for (std::uint64_t g : member_of_user[i])
        ldif << ldif_line("memberOf", "CN=" + group_name(g) + ",OU=Groups,DC=corp,DC=example");
      for (const auto& spn : spns) ldif << ldif_line("servicePrincipalName", spn);
      for (const auto& spn : a2d) ldif << ldif_line("msDS-AllowedToDelegateTo", spn);
      ldif << "\n";
    }
    out << "],\"meta\":{\"methods\":46067,\"type\":\"users\",\"count\":" + std::to_string(users) +
               ",\"version\":6}}\n";
  }
  {
    Writer out(dir + "/computers.json");
    out << "{\"data\":[";
    for (std::uint64_t i = 0; i < computers; ++i) {
      const std::string host = "host" + std::to_string(i);
      std::string host_upper = "HOST" + std::to_string(i);
      std::vector<std::uint64_t> rbcd;
      if (chance(0.01)) rbcd = {user_rid(random() % users)};
      std::string act = "[";
      for (std::size_t k = 0; k < rbcd.size(); ++k)
        act += (k ? "," : "") + std::string("{\"ObjectIdentifier\":\"") + sid(rbcd[k]) +
               "\",\"ObjectType\":\"User\"}";
      act += "]";
      const std::vector<std::string> spns = {"HOST/" + host_upper, "HOST/" + host + ".corp.example"};
      out << (i ? "," : "")
          << "\n{\"Properties\":{\"domain\":\"" + std::string(kDomain) + "\",\"name\":\"" + host_upper + "." +
                 kDomain + "\",\"distinguishedname\":\"CN=" + host_upper +
                 ",OU=Servers,DC=CORP,DC=EXAMPLE\",\"domainsid\":\"" + kDomainSid +
                 "\",\"samaccountname\":\"" + host_upper +
                 "$\",\"haslaps\":false,\"isaclprotected\":false,\"description\":null,"
                 "\"whencreated\":1696000000,\"enabled\":true,\"unconstraineddelegation\":false,"
                 "\"trustedtoauth\":false,"
                 "\"lastlogon\":133400000000000000,\"lastlogontimestamp\":133400000000000000,\"pwdlastset\":"
                 "133300000000000000,"
                 "\"serviceprincipalnames\":" +
                 string_array(spns) +
                 ",\"email\":null,\"operatingsystem\":\"Windows Server 2022 Standard\","
                 "\"sidhistory\":[],\"allowedtodelegate\":[],\"useraccountcontrol\":4096},\"AllowedToAct\":" +
                 act + ",\"AllowedToDelegate\":[],\"PrimaryGroupSID\":\"" + sid(515) +
                 "\",\"Sessions\":{\"Results\":[],\"Collected\":false,"
                 "\"FailureReason\":null},\"LocalAdmins\":{\"Results\":[],\"Collected\":false,"
                 "\"FailureReason\":null},\"Aces\":[],"
                 "\"ObjectIdentifier\":\"" +
                 sid(computer_rid(i)) + "\",\"IsDeleted\":false,\"IsDC\":false,\"Status\":null}";
      ldif << "# " << host_upper << ", Servers, corp.example\n"
           << ldif_line("dn", "CN=" + host_upper + ",OU=Servers,DC=corp,DC=example")
           << "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: "
              "user\nobjectClass: computer\n"
           << "sAMAccountName: " << host_upper << "$\nuserAccountControl: 4096\n"
           << ldif_line("objectSid", sid_bytes(computer_rid(i)), true) << "primaryGroupID: 515\n"
           << "dNSHostName: " << host << ".corp.example\n";
      for (const auto& spn : spns) ldif << ldif_line("servicePrincipalName", spn);
      if (!rbcd.empty())
        ldif << ldif_line("msDS-AllowedToActOnBehalfOfOtherIdentity", rbcd_descriptor(rbcd), true);
      ldif << "\n";
    }
    out << "],\"meta\":{\"methods\":46067,\"type\":\"computers\",\"count\":" + std::to_string(computers) +
               ",\"version\":6}}\n";
  }
  {
    Writer out(dir + "/groups.json");
    out << "{\"data\":[";
    for (std::uint64_t g = 0; g < groups; ++g) {
      std::string list = "[";
      for (std::size_t k = 0; k < members[g].size(); ++k) {
        list += (k ? "," : "") + std::string("{\"ObjectIdentifier\":\"") + sid(members[g][k]) +
                "\",\"ObjectType\":\"" + (members[g][k] >= group_rid(1) ? "Group" : "User") + "\"}";
      }
      list += "]";
      out << (g ? "," : "")
          << "\n{\"Properties\":{\"domain\":\"" + std::string(kDomain) + "\",\"name\":\"" + group_name(g) +
                 "@" + kDomain + "\",\"domainsid\":\"" + kDomainSid + "\",\"samaccountname\":\"" +
                 group_name(g) +
                 "\",\"highvalue\":false,"
                 "\"admincount\":false,\"description\":null},\"Members\":" +
                 list + ",\"Aces\":[],\"ObjectIdentifier\":\"" + sid(group_rid(g)) +
                 "\",\"IsDeleted\":false,\"IsACLProtected\":false}";
      ldif << "# " << group_name(g) << ", Groups, corp.example\n"
           << ldif_line("dn", "CN=" + group_name(g) + ",OU=Groups,DC=corp,DC=example")
           << "objectClass: top\nobjectClass: group\nsAMAccountName: " << group_name(g) << "\n"
           << ldif_line("objectSid", sid_bytes(group_rid(g)), true);
      for (std::uint64_t rid : members[g]) {
        const bool is_group = rid >= group_rid(1);
        const std::string name =
            is_group ? group_name(rid - (10000 + users + computers)) : "user" + std::to_string(rid - 10000);
        ldif << ldif_line("member",
                          "CN=" + name + (is_group ? ",OU=Groups" : ",OU=Staff") + ",DC=corp,DC=example");
      }
      ldif << "\n";
    }
    out << "],\"meta\":{\"methods\":46067,\"type\":\"groups\",\"count\":" + std::to_string(groups) +
               ",\"version\":6}}\n";
  }
  {
    Writer out(dir + "/domains.json");
    out << "{\"data\":[{\"Properties\":{\"domain\":\"" + std::string(kDomain) + "\",\"name\":\"" + kDomain +
               "\",\"domainsid\":\"" + kDomainSid +
               "\",\"functionallevel\":\"2016\"},\"ObjectIdentifier\":\"" + kDomainSid +
               "\",\"Trusts\":[],\"Links\":[],\"Aces\":[],\"IsDeleted\":false}],\"meta\":{\"methods\":46067,"
               "\"type\":\"domains\","
               "\"count\":1,\"version\":6}}\n";
  }
  ldif << "# search result\nsearch: 2\nresult: 0 Success\n";
  std::printf("%llu users, %llu computers, %llu groups, 1 domain in %s\n",
              static_cast<unsigned long long>(users), static_cast<unsigned long long>(computers),
              static_cast<unsigned long long>(groups), dir.c_str());
  return 0;
}
