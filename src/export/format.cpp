// Encoding and decoding of exported programs: little-endian fields, sections as docs/export.md
// describes them. Decoding trusts nothing: every count is bounded by the bytes left, every variable
// reference checked, and every equation's output avals recomputed with its primitive's shape rule.
#include "export/format.hpp"

#include <bit>
#include <cstring>
#include <map>
#include <new>
#include <sstream>
#include <string_view>

#include "array/array_impl.hpp"

namespace xjax::export_detail {

namespace {

constexpr char magic[4] = {'X', 'J', 'X', '\0'};
constexpr std::size_t header_bytes = 16;  // magic, version (u32), payload length (u64)
constexpr std::size_t checksum_bytes = 8;
constexpr int max_depth = 64;             // nesting of sub-programs and pytrees
constexpr std::uint32_t max_ndim = 64;

enum ParamTag : std::uint8_t { tag_bool, tag_int, tag_double, tag_ints, tag_dtype, tag_string, tag_jaxpr };

// Writes an element's bytes little-endian whatever the host's order.
void put_le(std::string& out, const void* src, std::size_t n) {
  const char* s = static_cast<const char*>(src);
  if constexpr (std::endian::native == std::endian::little) out.append(s, n);
  else for (std::size_t i = n; i-- > 0;) out.push_back(s[i]);
}

class Writer {
 public:
  std::string out;
  void u8(std::uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { put_le(out, &v, 4); }
  void u64(std::uint64_t v) { put_le(out, &v, 8); }
  void count(std::size_t n) { u32(static_cast<std::uint32_t>(n)); }
  void str(const std::string& s) {
    count(s.size());
    out += s;
  }
  void aval(const ShapedArray& a) {
    u8(static_cast<std::uint8_t>(a.dtype));
    u8(a.weak_type ? 1 : 0);
    count(a.shape.size());
    for (std::int64_t d : a.shape) u64(static_cast<std::uint64_t>(d));
  }
  void array(const Array& x) {
    aval(x.aval());
    const char* data = static_cast<const char*>(x.raw_data());
    std::size_t item = itemsize(x.dtype());
    for (std::int64_t i = 0; i < x.size(); ++i) put_le(out, data + static_cast<std::size_t>(i) * item, item);
  }
  void tree(const TreeDef& t) {
    u8(static_cast<std::uint8_t>(t.kind));
    count(t.keys.size());
    for (const std::string& k : t.keys) str(k);
    count(t.children.size());
    for (const TreeDef& c : t.children) tree(c);
  }
  void closed(const ClosedJaxpr& cj) {
    const Jaxpr& j = *cj.jaxpr;
    std::map<const Var*, std::uint32_t> index;
    auto define = [&](const VarPtr& v) { index.emplace(v.get(), static_cast<std::uint32_t>(index.size())); };
    count(cj.consts.size());
    for (std::size_t i = 0; i < cj.consts.size(); ++i) {
      array(cj.consts[i]);
      define(j.constvars[i]);
    }
    count(j.invars.size());
    for (const VarPtr& v : j.invars) {
      aval(v->aval);
      define(v);
    }
    auto atom = [&](const Atom& a) {
      if (const VarPtr* v = std::get_if<VarPtr>(&a)) {
        auto it = index.find(v->get());
        if (it == index.end()) throw ExportError("export", "the program uses a variable it never defines");
        u8(0);
        u32(it->second);
      } else {
        u8(1);
        array(std::get<Literal>(a).value);
      }
    };
    count(j.eqns.size());
    for (const Equation& e : j.eqns) {
      str(e.prim->name);
      params(e);
      count(e.inputs.size());
      for (const Atom& a : e.inputs) atom(a);
      count(e.outputs.size());
      for (const VarPtr& v : e.outputs) {
        aval(v->aval);
        define(v);
      }
    }
    count(j.outvars.size());
    for (const Atom& a : j.outvars) atom(a);
  }

 private:
  void params(const Equation& e) {
    count(e.params.items().size());
    for (const auto& item : e.params.items()) {
      const std::string& key = item.first;  // not a structured binding: clang 14 cannot capture one
      const ParamValue& value = item.second;
      str(key);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) u8(tag_bool), u8(v ? 1 : 0);
            else if constexpr (std::is_same_v<T, std::int64_t>) u8(tag_int), u64(static_cast<std::uint64_t>(v));
            else if constexpr (std::is_same_v<T, double>) u8(tag_double), u64(std::bit_cast<std::uint64_t>(v));
            else if constexpr (std::is_same_v<T, Ints>) {
              u8(tag_ints);
              count(v.size());
              for (std::int64_t i : v) u64(static_cast<std::uint64_t>(i));
            } else if constexpr (std::is_same_v<T, DType>) u8(tag_dtype), u8(static_cast<std::uint8_t>(v));
            else if constexpr (std::is_same_v<T, std::string>) u8(tag_string), str(v);
            else if constexpr (std::is_same_v<T, std::shared_ptr<const ClosedJaxpr>>) u8(tag_jaxpr), closed(*v);
            else throw ExportError("export", "primitive '", e.prim->name, "' holds a C++ function (param '", key,
                                   "'), which cannot be stored");
          },
          value);
    }
  }
};

std::string eq_label(std::size_t k, const std::string& name) {
  return "equation " + std::to_string(k) + " ('" + name + "')";
}

class Reader {
 public:
  Reader(const char* p, const char* end) : p_(p), end_(end) {}
  bool done() const { return p_ == end_; }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

  std::uint8_t u8() { return static_cast<std::uint8_t>(*take(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(take(4), 4)); }
  std::uint64_t u64() { return le(take(8), 8); }
  // A count of items of at least `min_bytes` each: never more than the bytes left could hold.
  std::size_t count(const char* what, std::size_t min_bytes = 1) {
    std::size_t n = u32();
    if (n > left() / (min_bytes ? min_bytes : 1))
      bad("a count of ", n, " ", what, " exceeds the ", left(), " bytes left");
    return n;
  }
  std::string str(const char* what) {
    std::size_t n = count(what);
    return std::string(take(n), n);
  }
  DType dtype() {
    std::uint8_t d = u8();
    if (d >= std::size(all_dtypes)) bad("unknown dtype code ", int(d));
    return static_cast<DType>(d);
  }
  ShapedArray aval() {
    ShapedArray a;
    a.dtype = dtype();
    std::uint8_t weak = u8();
    if (weak > 1) bad("weak-type flag ", int(weak));
    a.weak_type = weak == 1;
    std::size_t nd = count("dimensions", 8);
    if (nd > max_ndim) bad("rank ", nd, " exceeds ", max_ndim);
    for (std::size_t i = 0; i < nd; ++i) {
      auto d = static_cast<std::int64_t>(u64());
      if (d < 0) bad("negative extent ", d);
      a.shape.push_back(d);
    }
    std::uint64_t total = 1;
    for (std::int64_t d : a.shape)
      if (d != 0 && total > (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(d)) bad("shape overflows");
      else total *= static_cast<std::uint64_t>(d);
    return a;
  }
  Array array() {
    ShapedArray a = aval();
    std::size_t item = itemsize(a.dtype);
    std::uint64_t n = static_cast<std::uint64_t>(a.size());
    if (n > left() / item) bad("array data of ", a, " exceeds the ", left(), " bytes left");
    NewBuffer buf = new_buffer(a);
    for (std::uint64_t i = 0; i < n; ++i) {
      const char* src = take(item);
      char* dst = reinterpret_cast<char*>(buf.data) + i * item;
      if constexpr (std::endian::native == std::endian::little) std::memcpy(dst, src, item);
      else for (std::size_t b = 0; b < item; ++b) dst[b] = src[item - 1 - b];
      if (a.dtype == bool_ && static_cast<unsigned char>(*dst) > 1) bad("bool element of value ", int(*dst));
    }
    return buf.array;
  }
  TreeDef tree(int depth = 0) {
    if (depth > max_depth) bad("pytree nested deeper than ", max_depth);
    TreeDef t;
    std::uint8_t kind = u8();
    if (kind > static_cast<std::uint8_t>(TreeDef::Kind::structure)) bad("unknown pytree kind ", int(kind));
    t.kind = static_cast<TreeDef::Kind>(kind);
    std::size_t nk = count("keys", 4);
    for (std::size_t i = 0; i < nk; ++i) t.keys.push_back(str("key bytes"));
    std::size_t nc = count("children");
    for (std::size_t i = 0; i < nc; ++i) t.children.push_back(tree(depth + 1));
    using K = TreeDef::Kind;
    bool keyed = t.kind == K::map || t.kind == K::structure;
    if ((keyed && nk != nc) || (!keyed && nk != 0) || (t.kind == K::leaf && nc != 0) ||
        (t.kind == K::optional && nc > 1))
      bad("inconsistent pytree node (kind ", int(kind), ", ", nk, " keys, ", nc, " children)");
    return t;
  }
  Avals avals(const char* what) {
    Avals r;
    std::size_t n = count(what, 6);
    for (std::size_t i = 0; i < n; ++i) r.push_back(aval());
    return r;
  }

  ClosedJaxpr closed(int depth = 0) {
    if (depth > max_depth) bad("sub-programs nested deeper than ", max_depth);
    auto j = std::make_shared<Jaxpr>();
    ClosedJaxpr cj;
    std::vector<VarPtr> vars;  // by index, in definition order
    auto define = [&](const ShapedArray& a) {
      vars.push_back(std::make_shared<const Var>(Var{static_cast<std::int64_t>(vars.size()), a}));
      return vars.back();
    };
    std::size_t nc = count("constants", 6);
    for (std::size_t i = 0; i < nc; ++i) {
      cj.consts.push_back(array());
      j->constvars.push_back(define(cj.consts.back().aval()));
    }
    std::size_t ni = count("inputs", 6);
    for (std::size_t i = 0; i < ni; ++i) j->invars.push_back(define(aval()));
    auto atom = [&]() -> Atom {
      std::uint8_t tag = u8();
      if (tag == 0) {
        std::uint32_t v = u32();
        if (v >= vars.size()) bad("reference to variable ", v, " before its definition (", vars.size(), " defined)");
        return vars[v];
      }
      if (tag != 1) bad("unknown operand tag ", int(tag));
      Array lit = array();
      if (lit.ndim() != 0) bad("a literal of ", lit.aval(), " (literals are 0-d)");
      return Literal{lit};
    };
    std::size_t ne = count("equations", 13);
    for (std::size_t k = 0; k < ne; ++k) {
      Equation e;
      std::string name = str("name bytes");
      e.prim = find_primitive(name);
      if (!e.prim)
        throw UnknownPrimitiveError("deserialize", "unknown primitive '", name, "' in ", eq_label(k, name),
                                    ": this xjax does not define it");
      e.params = params(depth);
      std::size_t nin = count("operands", 5);
      Avals in;
      for (std::size_t i = 0; i < nin; ++i) {
        e.inputs.push_back(atom());
        in.push_back(atom_aval(e.inputs.back()));
      }
      Avals stored;
      std::size_t nout = count("results", 6);
      for (std::size_t i = 0; i < nout; ++i) stored.push_back(aval());
      check_equation(k, *e.prim, in, e.params, stored);
      for (const ShapedArray& a : stored) e.outputs.push_back(define(a));
      j->eqns.push_back(std::move(e));
    }
    std::size_t no = count("outputs", 5);
    for (std::size_t i = 0; i < no; ++i) j->outvars.push_back(atom());
    cj.jaxpr = std::move(j);
    return cj;
  }

  template <class... Parts>
  [[noreturn]] static void bad(const Parts&... parts) {
    throw InvalidProgramError("deserialize", parts...);
  }

 private:
  const char* take(std::size_t n) {
    if (left() < n) bad("a field runs past the end of its section");
    const char* r = p_;
    p_ += n;
    return r;
  }
  static std::uint64_t le(const char* s, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(s[i]);
    return v;
  }
  Params params(int depth) {
    Params p;
    std::size_t n = count("params", 6);
    for (std::size_t i = 0; i < n; ++i) {
      std::string key = str("key bytes");
      std::uint8_t tag = u8();
      ParamValue v;
      switch (tag) {
        case tag_bool: {
          std::uint8_t b = u8();
          if (b > 1) bad("bool param '", key, "' of value ", int(b));
          v = b == 1;
          break;
        }
        case tag_int: v = static_cast<std::int64_t>(u64()); break;
        case tag_double: v = std::bit_cast<double>(u64()); break;
        case tag_ints: {
          Ints is;
          std::size_t m = count("ints", 8);
          for (std::size_t k = 0; k < m; ++k) is.push_back(static_cast<std::int64_t>(u64()));
          v = std::move(is);
          break;
        }
        case tag_dtype: v = dtype(); break;
        case tag_string: v = str("string bytes"); break;
        case tag_jaxpr: v = std::make_shared<const ClosedJaxpr>(closed(depth + 1)); break;
        default: bad("param '", key, "' has unknown type tag ", int(tag));
      }
      if (p.contains(key)) bad("param '", key, "' appears twice");
      p = p.with(std::move(key), std::move(v));
    }
    return p;
  }
  // The stored result avals must be what the primitive's shape rule gives for these operands (the
  // rule also checks their count: Primitive::arity).
  static void check_equation(std::size_t k, const Primitive& prim, const Avals& in, const Params& params,
                             const Avals& stored) {
    if (!prim.shape) return;
    Avals got;
    try {
      got = prim.shape(in, params);
    } catch (const std::exception& e) {
      bad(eq_label(k, prim.name), " fails its shape check: ", e.what());
    }
    bool same = got.size() == stored.size();
    for (std::size_t i = 0; same && i < got.size(); ++i)
      same = got[i].shape == stored[i].shape && got[i].dtype == stored[i].dtype;
    if (!same) {
      std::ostringstream s;
      for (const ShapedArray& a : got) s << ' ' << a;
      s << " but the file records";
      for (const ShapedArray& a : stored) s << ' ' << a;
      bad(eq_label(k, prim.name), " gives", s.str());
    }
  }

  const char* p_;
  const char* end_;
};

std::uint64_t read_le(const std::string& s, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

bool same_avals(const Avals& a, const Avals& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].shape != b[i].shape || a[i].dtype != b[i].dtype) return false;
  return true;
}

Payload decode_v1(Reader& r) {
  Payload p;
  p.platform = r.str("platform bytes");
  p.arch = r.str("architecture bytes");
  p.in_tree = r.tree();
  p.out_tree = r.tree();
  p.in_avals = r.avals("input avals");
  p.out_avals = r.avals("output avals");
  p.program = r.closed();
  if (!r.done()) Reader::bad(r.left(), " unread bytes after the program");
  if (p.platform != "cpu") throw DeserializeError("deserialize", "exported for platform '", p.platform, "', not cpu");
  if (p.in_tree.num_leaves() != p.in_avals.size() || p.out_tree.num_leaves() != p.out_avals.size())
    Reader::bad("the pytrees have ", p.in_tree.num_leaves(), " and ", p.out_tree.num_leaves(), " leaves but ",
                p.in_avals.size(), " and ", p.out_avals.size(), " avals are recorded");
  if (!same_avals(p.in_avals, p.program.in_avals()) || !same_avals(p.out_avals, p.program.out_avals()))
    Reader::bad("the recorded input/output avals differ from the program's");
  return p;
}

}  // namespace

std::uint64_t fnv1a64(const char* data, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ULL;
  }
  return h;
}

void check_exportable(const Jaxpr& j) {
  for (const Equation& e : j.eqns)
    for (const auto& [key, value] : e.params.items()) {
      if (const auto* o = std::get_if<std::shared_ptr<const OpaqueParam>>(&value))
        throw ExportError("export", "primitive '", e.prim->name, "' holds a C++ function (param '", key, "': ",
                          *o ? (*o)->describe() : std::string("null"),
                          "), which cannot be stored; export a program without it");
      if (const auto* s = std::get_if<std::shared_ptr<const ClosedJaxpr>>(&value)) check_exportable(*(*s)->jaxpr);
    }
}

std::string encode(const Payload& p) {
  check_exportable(*p.program.jaxpr);
  Writer w;
  w.str(p.platform);
  w.str(p.arch);
  w.tree(p.in_tree);
  w.tree(p.out_tree);
  w.count(p.in_avals.size());
  for (const ShapedArray& a : p.in_avals) w.aval(a);
  w.count(p.out_avals.size());
  for (const ShapedArray& a : p.out_avals) w.aval(a);
  w.closed(p.program);
  std::string out(magic, 4);
  std::uint32_t version = export_format_version;
  std::uint64_t length = w.out.size();
  put_le(out, &version, 4);
  put_le(out, &length, 8);
  out += w.out;
  std::uint64_t sum = fnv1a64(out.data(), out.size());
  put_le(out, &sum, 8);
  return out;
}

Payload decode(const std::string& bytes) {
  const std::size_t n = bytes.size();
  if (std::memcmp(bytes.data(), magic, std::min<std::size_t>(n, 4)) != 0)
    throw DeserializeError("deserialize", "not an xjax export (the file does not start with \"XJX\")");
  if (n < header_bytes + checksum_bytes)
    throw TruncatedError("deserialize", "truncated: ", n, " bytes, fewer than the ", header_bytes + checksum_bytes,
                         " of an empty export");
  auto version = static_cast<std::uint32_t>(read_le(bytes, 4, 4));
  std::uint64_t length = read_le(bytes, 8, 8);
  std::uint64_t expected = length > n ? UINT64_MAX : header_bytes + length + checksum_bytes;
  if (n < expected)
    throw TruncatedError("deserialize", "truncated: the header announces ", length, " payload bytes, ",
                         n - header_bytes - checksum_bytes, " are present");
  if (n > expected)
    throw DeserializeError("deserialize", n - expected, " unexpected bytes after the end of the export");
  if (read_le(bytes, n - checksum_bytes, 8) != fnv1a64(bytes.data(), n - checksum_bytes))
    throw ChecksumError("deserialize", "checksum mismatch: the file is corrupted");
  if (version > export_format_version)
    throw VersionError("deserialize", "format version ", version, " is newer than this xjax reads (versions 1 to ",
                       export_format_version, "); upgrade xjax");
  if (version == 0) throw DeserializeError("deserialize", "format version 0 does not exist");
  Reader r(bytes.data() + header_bytes, bytes.data() + header_bytes + length);
  try {
    Payload p = decode_v1(r);  // version 1 is the only format so far
    p.version = version;
    return p;
  } catch (const DeserializeError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw InvalidProgramError("deserialize", "out of memory decoding the program");
  } catch (const std::exception& e) {
    throw InvalidProgramError("deserialize", "malformed program: ", e.what());
  }
}

}  // namespace xjax::export_detail
