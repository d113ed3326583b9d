#include "Requantize.hpp"

#include "Simd.hpp"

#include <algorithm>

namespace voltsim::workloads::detail {
namespace {

#ifdef VOLTSIM_X86_SIMD

/// floor(t >> shift) clamped to 0..255 for four int64 lanes: negative t gives 0, so the shift may
/// be logical.
VOLTSIM_TARGET_AVX2 __m256i clampShift(__m256i t, __m128i shift)
{
    const __m256i max = _mm256_set1_epi64x(255);
    t = _mm256_andnot_si256(_mm256_cmpgt_epi64(_mm256_setzero_si256(), t), t);
    const __m256i q = _mm256_srl_epi64(t, shift);
    return _mm256_blendv_epi8(q, max, _mm256_cmpgt_epi64(q, max));
}

/// Eight outputs: T in int64 for the even lanes (vpmuldq uses the low half of each 64-bit lane)
/// and the odd lanes, then both halves back into eight int32 and down to eight bytes.
VOLTSIM_TARGET_AVX2 void requantizeEightAvx2(const std::int32_t* centered, const std::int64_t* addends,
                                             __m256i mAcc, __m256i constant, __m128i shift, std::uint8_t* out)
{
    const __m256i sums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(centered));
    const __m256i addends0123 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(addends));
    const __m256i addends4567 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(addends + 4));
    // unpack gives lanes (0, 4, 2, 6) and (1, 5, 3, 7); the permutation restores (0, 2, 4, 6) and (1, 3, 5,
    // 7).
    const __m256i addendsEven =
        _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(addends0123, addends4567), 0xD8);
    const __m256i addendsOdd =
        _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(addends0123, addends4567), 0xD8);
    const __m256i even =
        _mm256_add_epi64(_mm256_add_epi64(_mm256_mul_epi32(sums, mAcc), addendsEven), constant);
    const __m256i odd = _mm256_add_epi64(
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(sums, 32), mAcc), addendsOdd), constant);
    const __m256i values =
        _mm256_or_si256(clampShift(even, shift), _mm256_slli_epi64(clampShift(odd, shift), 32));
    // The low byte of each int32: bytes 0, 4, 8, 12 of each 128-bit half.
    const __m256i lowBytes = _mm256_shuffle_epi8(
        values, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                                 -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    const __m128i packed =
        _mm_unpacklo_epi32(_mm256_castsi256_si128(lowBytes), _mm256_extracti128_si256(lowBytes, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), packed);
}

/// The outputs it could do with whole vector steps (all when count >= 8); returns how many.
VOLTSIM_TARGET_AVX2 std::size_t requantizeAvx2(const std::int32_t* centered, const std::int64_t* addends,
                                               std::size_t count, const RowRequant& row, std::uint8_t* out)
{
    const __m256i mAcc = _mm256_set1_epi64x(row.mAcc);
    const __m256i constant = _mm256_set1_epi64x(row.constant);
    const __m128i shift = _mm_cvtsi32_si128(row.shift);
    std::size_t n = 0;
    for (; n + kRequantStep <= count; n += kRequantStep)
        requantizeEightAvx2(centered + n, addends + n, mAcc, constant, shift, out + n);
    if (n < count &&
        count >= kRequantStep) { // the tail as the last eight, overlapping: same bytes written twice
        requantizeEightAvx2(centered + count - kRequantStep, addends + count - kRequantStep, mAcc, constant,
                            shift, out + count - kRequantStep);
        n = count;
    }
    return n;
}

#endif

} // namespace

void requantizeRowToUint8Portable(const std::int32_t* centered, const std::int64_t* addends,
                                  std::size_t count, const RowRequant& row, std::uint8_t* out)
{
    for (std::size_t n = 0; n < count; ++n)
        out[n] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(
            (row.mAcc * centered[n] + addends[n] + row.constant) >> row.shift, 0, 255));
}

void requantizeRowToUint8(const std::int32_t* centered, const std::int64_t* addends, std::size_t count,
                          const RowRequant& row, std::uint8_t* out)
{
    std::size_t done = 0;
#ifdef VOLTSIM_X86_SIMD
    if (cpuHasAvx2())
        done = requantizeAvx2(centered, addends, count, row, out);
#endif
    requantizeRowToUint8Portable(centered + done, addends + done, count - done, row, out + done);
}

} // namespace voltsim::workloads::detail
