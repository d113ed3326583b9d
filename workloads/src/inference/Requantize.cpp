#include "Requantize.hpp"

#include "Simd.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

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
    const __m256i addends0123 = addends != nullptr
                                    ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(addends))
                                    : _mm256_setzero_si256();
    const __m256i addends4567 = addends != nullptr
                                    ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(addends + 4))
                                    : _mm256_setzero_si256();
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

/// A whole row of count >= kRequantStep outputs, eight at a time; a partial last step is done as
/// the row's last eight (overlapping the step before: the same bytes are written twice).
VOLTSIM_TARGET_AVX2 void requantizeAvx2(const std::int32_t* centered, const std::int64_t* addends,
                                        std::size_t count, const RowRequant& row, std::uint8_t* out)
{
    const __m256i mAcc = _mm256_set1_epi64x(row.mAcc);
    const __m256i constant = _mm256_set1_epi64x(row.constant);
    const __m128i shift = _mm_cvtsi32_si128(row.shift);
    for (std::size_t n = 0; n < count; n += kRequantStep) {
        const std::size_t at = std::min(n, count - kRequantStep);
        requantizeEightAvx2(centered + at, addends != nullptr ? addends + at : nullptr, mAcc, constant, shift,
                            out + at);
    }
}

/// Eight outputs with AVX-512: T in eight int64 lanes, an arithmetic shift, max with 0 and an
/// unsigned saturating narrowing to bytes (the clamp to 255). The zero-masked forms (all lanes
/// kept) compute the same as the plain ones, whose inline bodies GCC 12 warns about (GCC bug 105593).
VOLTSIM_TARGET_VNNI512 void requantizeEight512(const std::int32_t* centered, const std::int64_t* addends,
                                               __m512i mAcc, __m512i constant, __m128i shift,
                                               std::uint8_t* out)
{
    constexpr __mmask8 kAll = 0xFF;
    const __m512i values =
        _mm512_maskz_cvtepi32_epi64(kAll, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(centered)));
    const __m512i t = _mm512_add_epi64(
        _mm512_add_epi64(_mm512_maskz_mul_epi32(kAll, values, mAcc), _mm512_loadu_si512(addends)), constant);
    const __m512i q =
        _mm512_maskz_max_epi64(kAll, _mm512_maskz_sra_epi64(kAll, t, shift), _mm512_setzero_si512());
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm512_maskz_cvtusepi64_epi8(kAll, q));
}

/// requantizeRowsToUint8 with AVX-512, eight outputs per step; a row's partial last step is done
/// as its last eight (overlapping).
VOLTSIM_TARGET_VNNI512 void requantizeRows512(const std::int32_t* centered, const std::int64_t* addends,
                                              std::size_t stride, std::size_t rows, std::size_t count,
                                              const RowRequant& row, std::uint8_t* out)
{
    const __m512i mAcc = _mm512_set1_epi64(row.mAcc);
    const __m512i constant = _mm512_set1_epi64(row.constant);
    const __m128i shift = _mm_cvtsi32_si128(row.shift);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t n = 0; n < count; n += kRequantStep) {
            const std::size_t at = std::min(n, count - kRequantStep);
            requantizeEight512(centered + r * stride + at, addends + r * stride + at, mAcc, constant, shift,
                               out + r * count + at);
        }
}

/// clamp((t + constant) >> shift, 0, 255) of eight int64 lanes as eight bytes.
VOLTSIM_TARGET_VNNI512 inline __m128i clampedBytes(__m512i t, __m512i constant, __m128i shift)
{
    constexpr __mmask8 kAll = 0xFF; // zero-masked forms: GCC bug 105593
    return _mm512_maskz_cvtusepi64_epi8(
        kAll, _mm512_maskz_max_epi64(kAll, _mm512_maskz_sra_epi64(kAll, _mm512_add_epi64(t, constant), shift),
                                     _mm512_setzero_si512()));
}

/// requantizeRows512 without addends (all zero), 16 outputs per step: T of the even and of the odd
/// columns from one load (vpmuldq reads the low half of each 64-bit lane), their bytes interleaved
/// back into column order; a partial last step masked.
VOLTSIM_TARGET_VNNI512 void requantizeRowsNoAddends512(const std::int32_t* centered, std::size_t stride,
                                                       std::size_t rows, std::size_t count,
                                                       const RowRequant& row, std::uint8_t* out)
{
    constexpr __mmask8 kAll = 0xFF; // zero-masked forms: GCC bug 105593
    const __m512i mAcc = _mm512_set1_epi64(row.mAcc);
    const __m512i constant = _mm512_set1_epi64(row.constant);
    const __m128i shift = _mm_cvtsi32_si128(row.shift);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t n = 0; n < count; n += 16) {
            const std::size_t step = std::min<std::size_t>(16, count - n);
            const auto lanes = step == 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << step) - 1);
            const __m512i sums = _mm512_maskz_loadu_epi32(lanes, centered + r * stride + n);
            const __m512i even = _mm512_maskz_mul_epi32(kAll, sums, mAcc);
            const __m512i odd = _mm512_maskz_mul_epi32(kAll, _mm512_maskz_srli_epi64(kAll, sums, 32), mAcc);
            _mm_mask_storeu_epi8(
                out + r * count + n, lanes,
                _mm_unpacklo_epi8(clampedBytes(even, constant, shift), clampedBytes(odd, constant, shift)));
        }
}

/// T - constant of four columns of one row as four int64.
VOLTSIM_TARGET_AVX2 __m256i fourTermsAvx2(const std::int32_t* centered, const std::int64_t* addends,
                                          __m256i mAcc)
{
    const __m256i sums = _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(centered)));
    return _mm256_add_epi64(_mm256_mul_epi32(sums, mAcc),
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(addends)));
}

/// The larger of each pair of int64 lanes (AVX2 has no 64-bit max).
VOLTSIM_TARGET_AVX2 __m256i max64Avx2(__m256i a, __m256i b)
{
    return _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi64(b, a));
}

/// Four pooled outputs of requantizeMaxPool2x2Row from columns 2 at .. 2 at + 7 of both rows, to
/// out[0..3]: as pooledStep512, the even and odd columns gathered by unpacking and permuting.
VOLTSIM_TARGET_AVX2 void pooledStepAvx2(const std::int32_t* top, const std::int32_t* bottom,
                                        const std::int64_t* addendsTop, const std::int64_t* addendsBottom,
                                        std::size_t at, const RowRequant& row, std::uint8_t* out)
{
    const __m256i mAcc = _mm256_set1_epi64x(row.mAcc);
    const std::size_t first = 2 * at;
    const __m256i low = max64Avx2(fourTermsAvx2(top + first, addendsTop + first, mAcc),
                                  fourTermsAvx2(bottom + first, addendsBottom + first, mAcc));
    const __m256i high = max64Avx2(fourTermsAvx2(top + first + 4, addendsTop + first + 4, mAcc),
                                   fourTermsAvx2(bottom + first + 4, addendsBottom + first + 4, mAcc));
    // unpack gives columns (0, 4, 2, 6) and (1, 5, 3, 7); the permutation restores (0, 2, 4, 6), (1, 3, 5,
    // 7).
    const __m256i even = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(low, high), 0xD8);
    const __m256i odd = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(low, high), 0xD8);
    const __m256i q = clampShift(_mm256_add_epi64(max64Avx2(even, odd), _mm256_set1_epi64x(row.constant)),
                                 _mm_cvtsi32_si128(row.shift));
    // The low byte of each int64 lane: bytes 0 and 8 of each 128-bit half.
    const __m256i bytes = _mm256_shuffle_epi8(q, _mm256_setr_epi8(0, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                                                  -1, -1, -1, -1, -1, 0, 8, -1, -1, -1, -1,
                                                                  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    const auto word = static_cast<std::uint32_t>(_mm_cvtsi128_si32(
        _mm_unpacklo_epi16(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1))));
    std::memcpy(out, &word, sizeof(word));
}

/// requantizeMaxPool2x2Row with AVX2, four pooled outputs per step; a partial last step is done as
/// the row's last four (overlapping), a row shorter than a step through a scratch word.
VOLTSIM_TARGET_AVX2 void requantizeMaxPool2x2RowAvx2(const std::int32_t* top, const std::int32_t* bottom,
                                                     const std::int64_t* addendsTop,
                                                     const std::int64_t* addendsBottom, std::size_t count,
                                                     const RowRequant& row, std::uint8_t* out)
{
    constexpr std::size_t kStep = 4;
    if (count < kStep) {
        std::array<std::uint8_t, kStep> scratch{};
        pooledStepAvx2(top, bottom, addendsTop, addendsBottom, 0, row, scratch.data());
        std::copy_n(scratch.begin(), count, out);
        return;
    }
    for (std::size_t p = 0; p < count; p += kStep) {
        const std::size_t at = std::min(p, count - kStep);
        pooledStepAvx2(top, bottom, addendsTop, addendsBottom, at, row, out + at);
    }
}

/// T - constant of eight columns of one row as eight int64.
VOLTSIM_TARGET_VNNI512 __m512i eightTerms512(const std::int32_t* centered, const std::int64_t* addends,
                                             __m512i mAcc)
{
    constexpr __mmask8 kAll = 0xFF;
    const __m512i sums =
        _mm512_maskz_cvtepi32_epi64(kAll, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(centered)));
    return _mm512_add_epi64(_mm512_maskz_mul_epi32(kAll, sums, mAcc), _mm512_loadu_si512(addends));
}

/// The row's integers as vectors.
struct RowVectors512 {
    __m512i mAcc, constant;
    __m128i shift;
};

/// Eight pooled outputs of requantizeMaxPool2x2Row from columns 2 at .. 2 at + 15 of both rows, stored
/// under `stored`: T of the 16 columns of both rows, the larger of the rows, of each column pair
/// (even and odd columns gathered across the two vectors), then one shift and clamp.
VOLTSIM_TARGET_VNNI512 void pooledStep512(const std::int32_t* top, const std::int32_t* bottom,
                                          const std::int64_t* addendsTop, const std::int64_t* addendsBottom,
                                          std::size_t at, const RowVectors512& row, __mmask8 stored,
                                          std::uint8_t* out)
{
    constexpr __mmask8 kAll = 0xFF;
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    const std::size_t first = 2 * at;
    const __m512i low =
        _mm512_maskz_max_epi64(kAll, eightTerms512(top + first, addendsTop + first, row.mAcc),
                               eightTerms512(bottom + first, addendsBottom + first, row.mAcc));
    const __m512i high =
        _mm512_maskz_max_epi64(kAll, eightTerms512(top + first + 8, addendsTop + first + 8, row.mAcc),
                               eightTerms512(bottom + first + 8, addendsBottom + first + 8, row.mAcc));
    const __m512i pooled = _mm512_maskz_max_epi64(kAll, _mm512_permutex2var_epi64(low, even, high),
                                                  _mm512_permutex2var_epi64(low, odd, high));
    const __m512i q = _mm512_maskz_max_epi64(
        kAll, _mm512_maskz_sra_epi64(kAll, _mm512_add_epi64(pooled, row.constant), row.shift),
        _mm512_setzero_si512());
    _mm512_mask_cvtusepi64_storeu_epi8(out + at, stored, q);
}

/// requantizeMaxPool2x2 with AVX-512, eight pooled outputs of a row per step. A partial last step
/// is done as the row's last eight (overlapping), a row shorter than a step with a masked store.
VOLTSIM_TARGET_VNNI512 void requantizeMaxPool2x2Vnni512(const std::int32_t* sums, const std::int64_t* addends,
                                                        std::size_t stride, std::size_t pooledRows,
                                                        std::size_t count, const RowRequant& row,
                                                        std::uint8_t* out)
{
    const RowVectors512 vectors{_mm512_set1_epi64(row.mAcc), _mm512_set1_epi64(row.constant),
                                _mm_cvtsi32_si128(row.shift)};
    for (std::size_t py = 0; py < pooledRows; ++py) {
        const std::int32_t* top = sums + 2 * py * stride;
        const std::int64_t* addendsTop = addends + 2 * py * stride;
        std::uint8_t* pooled = out + py * count;
        if (count < kRequantStep) {
            pooledStep512(top, top + stride, addendsTop, addendsTop + stride, 0, vectors,
                          static_cast<__mmask8>((1u << count) - 1), pooled);
            continue;
        }
        for (std::size_t p = 0; p < count; p += kRequantStep)
            pooledStep512(top, top + stride, addendsTop, addendsTop + stride,
                          std::min(p, count - kRequantStep), vectors, static_cast<__mmask8>(0xFF), pooled);
    }
}

/// Eight outputs of mergeRowToUint8Vnni512 (the first `lanes` of them loaded and stored).
VOLTSIM_TARGET_VNNI512 void mergeEight512(const std::uint8_t* a, __m512i ma, const std::uint8_t* b,
                                          __m512i mb, __m512i constant, __m128i shift, __mmask8 lanes,
                                          std::uint8_t* out)
{
    constexpr __mmask8 kAll = 0xFF;
    const __m512i values = _mm512_maskz_cvtepu8_epi64(kAll, _mm_maskz_loadu_epi8(lanes, a));
    const __m512i others = _mm512_maskz_cvtepu8_epi64(kAll, _mm_maskz_loadu_epi8(lanes, b));
    const __m512i t = _mm512_add_epi64(
        _mm512_add_epi64(_mm512_maskz_mul_epi32(kAll, values, ma), _mm512_maskz_mul_epi32(kAll, others, mb)),
        constant);
    const __m512i q =
        _mm512_maskz_max_epi64(kAll, _mm512_maskz_sra_epi64(kAll, t, shift), _mm512_setzero_si512());
    _mm512_mask_cvtusepi64_storeu_epi8(out, lanes, q);
}

/// An add's merge in int32 (docs/datapath.md, "add"): with ma = maH 2^15 + maL, mb and the
/// constant split alike (0 <= low parts < 2^15), T = 2^15 (maH a + mbH b + cH) + (maL a + mbL b + cL)
/// and floor(T / 2^s) = (maH a + mbH b + cH + ((maL a + mbL b + cL) >> 15)) >> (s - 15) for s >= 15;
/// each product pair is one vpmaddwd of the (a, b) int16 pair, exact in int32.
struct MergeInt32 {
    std::int32_t highPair, lowPair; ///< (maH, mbH) and (maL, mbL) as int16 lanes, low lane first
    std::int32_t constantHigh, constantLow;

    /// The split of (ma, mb, constant) for `shift`, or nothing if some part leaves int16/int32
    /// (|ma|, |mb| >= 2^30, |constant| >= 2^44, shift < 15): then the int64 kernel is exact.
    static std::optional<MergeInt32> of(std::int64_t ma, std::int64_t mb, std::int64_t constant, int shift)
    {
        constexpr std::int64_t kPairLimit = std::int64_t(1) << 30;
        constexpr std::int64_t kConstantLimit = std::int64_t(1) << 44;
        if (shift < 15 || ma < -kPairLimit || ma >= kPairLimit || mb < -kPairLimit || mb >= kPairLimit ||
            constant < -kConstantLimit || constant >= kConstantLimit)
            return std::nullopt;
        const auto pair = [](std::int64_t low, std::int64_t high) {
            return static_cast<std::int32_t>((static_cast<std::uint32_t>(high) << 16) |
                                             (static_cast<std::uint32_t>(low) & 0xFFFFu));
        };
        constexpr std::int64_t kLowMask = (std::int64_t(1) << 15) - 1;
        return MergeInt32{pair(ma >> 15, mb >> 15), pair(ma & kLowMask, mb & kLowMask),
                          static_cast<std::int32_t>(constant >> 15),
                          static_cast<std::int32_t>(constant & kLowMask)};
    }
};

/// mergeRowToUint8Vnni512 in int32 (MergeInt32), 16 outputs per step (a partial last step masked).
VOLTSIM_TARGET_VNNI512 void mergeInt32_512(const std::uint8_t* a, const std::uint8_t* b,
                                           const MergeInt32& split, int shift, std::size_t count,
                                           std::uint8_t* out)
{
    constexpr __mmask16 kAll = 0xFFFF; // zero-masked forms: GCC bug 105593
    const __m512i high = _mm512_set1_epi32(split.highPair);
    const __m512i low = _mm512_set1_epi32(split.lowPair);
    const __m512i constantHigh = _mm512_set1_epi32(split.constantHigh);
    const __m512i constantLow = _mm512_set1_epi32(split.constantLow);
    const __m128i rest = _mm_cvtsi32_si128(shift - 15);
    for (std::size_t n = 0; n < count; n += 16) {
        const std::size_t step = std::min<std::size_t>(16, count - n);
        const auto lanes = step == 16 ? kAll : static_cast<__mmask16>((1u << step) - 1);
        const __m512i pairs = _mm512_or_si512(
            _mm512_maskz_cvtepu8_epi32(kAll, _mm_maskz_loadu_epi8(lanes, a + n)),
            _mm512_maskz_slli_epi32(
                kAll, _mm512_maskz_cvtepu8_epi32(kAll, _mm_maskz_loadu_epi8(lanes, b + n)), 16));
        const __m512i carry =
            _mm512_maskz_srai_epi32(kAll, _mm512_add_epi32(_mm512_madd_epi16(pairs, low), constantLow), 15);
        const __m512i sum =
            _mm512_add_epi32(_mm512_add_epi32(_mm512_madd_epi16(pairs, high), constantHigh), carry);
        const __m512i q =
            _mm512_maskz_max_epi32(kAll, _mm512_maskz_sra_epi32(kAll, sum, rest), _mm512_setzero_si512());
        _mm_mask_storeu_epi8(out + n, lanes, _mm512_maskz_cvtusepi32_epi8(kAll, q));
    }
}

/// mergeRowToUint8Vnni512, eight outputs per step (a partial last step masked).
VOLTSIM_TARGET_VNNI512 void merge512(const std::uint8_t* a, std::int64_t ma, const std::uint8_t* b,
                                     std::int64_t mb, std::int64_t constant, int shift, std::size_t count,
                                     std::uint8_t* out)
{
    const __m512i maVector = _mm512_set1_epi64(ma);
    const __m512i mbVector = _mm512_set1_epi64(mb);
    const __m512i constantVector = _mm512_set1_epi64(constant);
    const __m128i shiftVector = _mm_cvtsi32_si128(shift);
    for (std::size_t n = 0; n < count; n += kRequantStep) {
        const std::size_t step = std::min(kRequantStep, count - n);
        mergeEight512(a + n, maVector, b + n, mbVector, constantVector, shiftVector,
                      static_cast<__mmask8>((1u << step) - 1), out + n);
    }
}

#endif

} // namespace

void mergeRowToUint8Vnni512(const std::uint8_t* a, std::int64_t ma, const std::uint8_t* b, std::int64_t mb,
                            std::int64_t constant, int shift, std::size_t count, std::uint8_t* out)
{
#ifdef VOLTSIM_X86_SIMD
    if (const auto split = MergeInt32::of(ma, mb, constant, shift); split.has_value()) {
        mergeInt32_512(a, b, *split, shift, count, out);
        return;
    }
    merge512(a, ma, b, mb, constant, shift, count, out);
#else
    for (std::size_t n = 0; n < count; ++n)
        out[n] = static_cast<std::uint8_t>(
            std::clamp<std::int64_t>((ma * a[n] + mb * b[n] + constant) >> shift, 0, 255));
#endif
}

void requantizeRowToUint8Portable(const std::int32_t* centered, const std::int64_t* addends,
                                  std::size_t count, const RowRequant& row, std::uint8_t* out)
{
    for (std::size_t n = 0; n < count; ++n)
        out[n] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(
            (row.mAcc * centered[n] + (addends != nullptr ? addends[n] : 0) + row.constant) >> row.shift, 0,
            255));
}

void requantizeMaxPool2x2(KernelPath path, const std::int32_t* sums, const std::int64_t* addends,
                          std::size_t stride, std::size_t pooledRows, std::size_t count,
                          const RowRequant& row, std::uint8_t* out)
{
#ifdef VOLTSIM_X86_SIMD
    if (path == KernelPath::Vnni512) {
        requantizeMaxPool2x2Vnni512(sums, addends, stride, pooledRows, count, row, out);
        return;
    }
#endif
    for (std::size_t py = 0; py < pooledRows; ++py) {
        const std::int32_t* top = sums + 2 * py * stride;
        const std::int32_t* bottom = top + stride;
        const std::int64_t* addendsTop = addends + 2 * py * stride;
        const std::int64_t* addendsBottom = addendsTop + stride;
        std::uint8_t* pooled = out + py * count;
#ifdef VOLTSIM_X86_SIMD
        if (path == KernelPath::Avx2 || path == KernelPath::AvxVnni) {
            requantizeMaxPool2x2RowAvx2(top, bottom, addendsTop, addendsBottom, count, row, pooled);
            continue;
        }
#endif
        const auto term = [&](const std::int32_t* centered, const std::int64_t* rowAddends,
                              std::size_t column) {
            return row.mAcc * centered[column] + rowAddends[column];
        };
        for (std::size_t p = 0; p < count; ++p) {
            const std::int64_t largest = std::max(
                std::max(term(top, addendsTop, 2 * p), term(top, addendsTop, 2 * p + 1)),
                std::max(term(bottom, addendsBottom, 2 * p), term(bottom, addendsBottom, 2 * p + 1)));
            pooled[p] = static_cast<std::uint8_t>(
                std::clamp<std::int64_t>((largest + row.constant) >> row.shift, 0, 255));
        }
    }
}

void requantizeRowsToUint8(KernelPath path, const std::int32_t* centered, const std::int64_t* addends,
                           std::size_t stride, std::size_t rows, std::size_t count, const RowRequant& row,
                           std::uint8_t* out)
{
#ifdef VOLTSIM_X86_SIMD
    if (path == KernelPath::Vnni512 && addends == nullptr) {
        requantizeRowsNoAddends512(centered, stride, rows, count, row, out);
        return;
    }
    if (count >= kRequantStep && path == KernelPath::Vnni512) {
        requantizeRows512(centered, addends, stride, rows, count, row, out);
        return;
    }
#endif
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int32_t* rowCentered = centered + r * stride;
        const std::int64_t* rowAddends = addends != nullptr ? addends + r * stride : nullptr;
#ifdef VOLTSIM_X86_SIMD
        if (count >= kRequantStep && (path == KernelPath::Avx2 || path == KernelPath::AvxVnni)) {
            requantizeAvx2(rowCentered, rowAddends, count, row, out + r * count);
            continue;
        }
#endif
        requantizeRowToUint8Portable(rowCentered, rowAddends, count, row, out + r * count);
    }
}

void requantizeRowToUint8(KernelPath path, const std::int32_t* centered, const std::int64_t* addends,
                          std::size_t count, const RowRequant& row, std::uint8_t* out)
{
    requantizeRowsToUint8(path, centered, addends, count, 1, count, row, out);
}

} // namespace voltsim::workloads::detail
