#include "StatisticalFaultModel.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace voltsim::memory::impl {
namespace {

/// Weights of `count` rows (or columns): a share `share` is weak (factor `factor`), the others
/// get the factor that keeps the mean at 1.
std::vector<double> drawWeights(Xoshiro256& stream, std::uint32_t count, double share, double factor)
{
    const double strong = share < 1.0 ? (1.0 - share * factor) / (1.0 - share) : 1.0;
    std::vector<double> weights(count);
    for (auto& weight : weights)
        weight = stream.uniformOpenClosed() <= share ? factor : strong;
    return weights;
}

/// Above this rate every cell draws its own key instead of skipping geometrically (a function of
/// the profile only, so a seed's map never depends on the operating point).
constexpr double kDenseRate = 1.0 / 16.0;

/// Dense variant: one draw per cell, v = ((x >> 11) + 1) 2^-53 as Xoshiro256::uniformOpenClosed,
/// and v <= q tested exactly in integers ((x >> 11) < floor(q 2^53)); 64 cells at a time without
/// branches, then the hits in order.
template <typename Emit>
void visitDense(Xoshiro256& stream, std::uint64_t begin, std::uint64_t count, double q, Emit&& emit)
{
    const auto limit = static_cast<std::uint64_t>(q * 0x1.0p53);
    std::uint64_t raw[64];
    for (std::uint64_t base = 0; base < count; base += 64) {
        const auto n = static_cast<unsigned>(std::min<std::uint64_t>(64, count - base));
        std::uint64_t hits = 0;
        for (unsigned i = 0; i < n; ++i) {
            raw[i] = stream.next() >> 11;
            hits |= static_cast<std::uint64_t>(raw[i] < limit) << i;
        }
        while (hits != 0) {
            const auto i = static_cast<unsigned>(__builtin_ctzll(hits));
            hits &= hits - 1;
            emit(begin + base + i, static_cast<double>(raw[i] + 1) * 0x1.0p-53);
        }
    }
}

/// Visits the candidate cells of [begin, begin + count) at rate q (each cell independently, by
/// geometric skipping, or a draw per cell for q >= kDenseRate), calling emit(bit, v) with
/// v ~ U(0, q].
template <typename Emit>
void visitCandidates(Xoshiro256& stream, std::uint64_t begin, std::uint64_t count, double q, Emit&& emit)
{
    if (q <= 0.0)
        return;
    if (q >= kDenseRate) {
        visitDense(stream, begin, count, q, emit);
        return;
    }
    const double logMiss = std::log1p(-q);
    std::uint64_t position = 0;
    while (true) {
        const double gap = std::floor(std::log(stream.uniformOpenClosed()) / logMiss);
        if (gap >= static_cast<double>(count - position))
            return;
        position += static_cast<std::uint64_t>(gap);
        emit(begin + position, q * stream.uniformOpenClosed());
        if (++position >= count)
            return;
    }
}

} // namespace

std::vector<FaultCell> StatisticalFaultModel::drawBank(const SramProfile& profile,
                                                       const ChipGeometry& geometry, std::uint32_t bank,
                                                       std::uint64_t chipSeed) const
{
    const double pMax = profile.maxBitErrorRate();
    Xoshiro256 stream(bankSeed(chipSeed, bank));
    std::vector<FaultCell> cells;
    cells.reserve(static_cast<std::size_t>(static_cast<double>(geometry.bank.bits()) * pMax * 1.1) + 16);
    const auto takeStuck = [&] {
        return static_cast<std::uint8_t>(stream.uniformOpenClosed() <= profile.stuckAt0Share ? 0 : 1);
    };
    const Clustering& clustering = profile.clustering;
    if (!clustering.enabled()) {
        visitCandidates(stream, 0, geometry.bank.bits(), pMax, [&](std::uint64_t bit, double v) {
            cells.push_back({v, static_cast<std::uint32_t>(bit), takeStuck()});
        });
        return cells;
    }
    const std::uint32_t width = geometry.bank.wordBits;
    const auto rowWeights =
        drawWeights(stream, geometry.bank.rows, clustering.weakRowShare, clustering.weakRowFactor);
    const auto columnWeights =
        drawWeights(stream, width, clustering.weakColumnShare, clustering.weakColumnFactor);
    const double maxColumn = *std::max_element(columnWeights.begin(), columnWeights.end());
    for (std::uint32_t row = 0; row < geometry.bank.rows; ++row) {
        const double q = std::min(1.0, pMax * rowWeights[row] * maxColumn);
        visitCandidates(stream, std::uint64_t{row} * width, width, q, [&](std::uint64_t bit, double v) {
            const double key = v / (rowWeights[row] * columnWeights[bit % width]);
            const std::uint8_t stuck = takeStuck();
            if (key <= pMax)
                cells.push_back({key, static_cast<std::uint32_t>(bit), stuck});
        });
    }
    return cells;
}

double StatisticalFaultModel::thresholdForVoltage(const SramProfile& profile, double voltageMv) const
{
    return profile.bitErrorRate(voltageMv);
}

double StatisticalFaultModel::thresholdForRate(const SramProfile& profile, double ber) const
{
    if (!(ber >= 0.0 && ber <= profile.maxBitErrorRate())) {
        std::ostringstream message;
        message << "bit error rate " << ber << " outside [0, " << profile.maxBitErrorRate() << "] of profile "
                << profile.name << " (" << profile.file << ")";
        throw InputError(message.str());
    }
    return ber;
}

} // namespace voltsim::memory::impl
