// The byte format of exported programs (docs/export.md): encoding and checked decoding.
#pragma once
#include <cstdint>
#include <string>

#include "xjax/export.hpp"

namespace xjax::export_detail {

// Everything an export stores.
struct Payload {
  std::uint32_t version = export_format_version;  // of the bytes read (encode writes the current one)
  std::string platform = "cpu";
  std::string arch = "x86_64";
  TreeDef in_tree, out_tree;
  Avals in_avals, out_avals;
  ClosedJaxpr program;
};

// The envelope: magic, version, payload length, payload, FNV-1a 64 checksum of all before it.
std::string encode(const Payload& p);
// Checks the envelope, then decodes and re-checks the program (shape rules, references, avals).
Payload decode(const std::string& bytes);
std::uint64_t fnv1a64(const char* data, std::size_t n);
// Throws ExportError naming the first primitive in `j` (or its sub-programs) with an opaque param.
void check_exportable(const Jaxpr& j);

}  // namespace xjax::export_detail
