#pragma once
// The weight quantizers of docs/datapath.md (RQuant and the Normal baseline) and their affine
// decode. For tests and tools: C++ never re-quantizes a shipped model.
#include "voltsim/workloads/model/Network.hpp"

#include <cstdint>
#include <vector>

namespace voltsim::workloads {

/// A quantized tensor's codes and its decode w = scale * (v - offset) + center.
struct EncodedTensor {
    std::vector<std::uint8_t> codes;
    int bits = 8;
    Quantizer quantizer = Quantizer::RQuant;
    double rangeMin = 0; ///< qmin (RQuant) or -1 (Normal)
    double rangeMax = 0; ///< qmax (RQuant) or 1 (Normal)
    std::int64_t offset = 128;
    double scale = 0;  ///< a
    double center = 0; ///< c
};

/// delta = 1.001 / (2^(bits-1) - 1).
double quantizationStep(int bits);

/// RQuant: per-tensor range [min(w), max(w)], rounding half up; all-equal tensors get code 2^(bits-1).
/// @throws std::invalid_argument if bits is outside 2..8 or `weights` is empty.
EncodedTensor encodeRQuant(const std::vector<double>& weights, int bits);

/// Normal: fixed range [-1, 1], truncation (floor).
/// @throws std::invalid_argument if bits is outside 2..8 or `weights` is empty.
EncodedTensor encodeNormal(const std::vector<double>& weights, int bits);

/// Affine decode of one (possibly corrupted) code: scale * (code - offset) + center.
double decodeCode(const EncodedTensor& tensor, int code);

} // namespace voltsim::workloads
