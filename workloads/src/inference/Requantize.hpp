#pragma once
// Requantization of one GEMM output row to uint8 (docs/datapath.md, hidden layers), vectorized with
// the instructions of the kernel path (KernelPath.hpp). Internal to voltsim_workloads.
#include "voltsim/workloads/inference/KernelPath.hpp"

#include <cstddef>
#include <cstdint>

namespace voltsim::workloads::detail {

/// The integers shared by one output row: T + 2^(shift-1) = mAcc * centered[n] + addends[n] + constant.
/// A linear layer's row (one image) has addends = the filters' bias terms, constant = m_sum * Sq +
/// 2^(shift-1); a conv layer's row (one filter) has addends = m_sum * Sq per pixel, constant = the
/// filter's bias term + 2^(shift-1).
struct RowRequant {
    std::int64_t mAcc = 0; ///< |mAcc| < 2^31 (the loader keeps |m_acc| < 2^28)
    std::int64_t constant = 0;
    int shift = 1; ///< 1..62
};

/// Outputs per vector step of requantizeRowToUint8: a row of at least this many is vectorized whole.
constexpr std::size_t kRequantStep = 8;

/// out[n] = clamp((mAcc * centered[n] + addends[n] + constant) >> shift, 0, 255) for n < count
/// (>> is floor), with the instructions of `path`; null `addends` are all zero (a conv whose m_sum
/// is 0). Nothing overflows int64 for the loader's ranges.
void requantizeRowToUint8(KernelPath path, const std::int32_t* centered, const std::int64_t* addends,
                          std::size_t count, const RowRequant& row, std::uint8_t* out);

/// requantizeRowToUint8 of `rows` rows of `count` outputs: row r's centered sums and addends at
/// r * stride, its outputs at out[r * count].
void requantizeRowsToUint8(KernelPath path, const std::int32_t* centered, const std::int64_t* addends,
                           std::size_t stride, std::size_t rows, std::size_t count, const RowRequant& row,
                           std::uint8_t* out);

/// A requantization followed by a 2x2 stride-2 max-pool, `pooledRows` output rows of `count`:
/// out[py * count + p] = the largest of the four requantized values at columns 2p, 2p + 1 of rows
/// 2 py and 2 py + 1 of `sums` (their centered sums and addends as in requantizeRowToUint8, row r at
/// r * stride of both), for p < count. Requantization does not decrease with T, so the pool takes
/// the largest T and requantizes it once. Reads columns up to max(2 count, 2 kRequantStep) - 1 of
/// each row (columns past 2 count are dropped: any finite value).
void requantizeMaxPool2x2(KernelPath path, const std::int32_t* sums, const std::int64_t* addends,
                          std::size_t stride, std::size_t pooledRows, std::size_t count,
                          const RowRequant& row, std::uint8_t* out);

/// requantizeRowToUint8 with plain C++ (what it runs on the Portable path); for tests.
void requantizeRowToUint8Portable(const std::int32_t* centered, const std::int64_t* addends,
                                  std::size_t count, const RowRequant& row, std::uint8_t* out);

/// out[n] = clamp((ma a[n] + mb b[n] + constant) >> shift, 0, 255) for n < count (an add's merge of
/// two uint8 rows) with AVX-512, for the Vnni512 path (plain C++ where the build has no x86 SIMD):
/// in int32, 16 per step, where the multipliers, constant and shift allow it exactly (the loader's
/// ranges always do), in int64 otherwise. |ma|, |mb| < 2^31.
void mergeRowToUint8Vnni512(const std::uint8_t* a, std::int64_t ma, const std::uint8_t* b, std::int64_t mb,
                            std::int64_t constant, int shift, std::size_t count, std::uint8_t* out);

} // namespace voltsim::workloads::detail
