#include "voltsim/memory/WeightMemory.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace voltsim::memory {
namespace {

/// Splits [linearAddress, linearAddress + bytes) into runs contiguous in one bank, calls
/// visit(location, bytesDoneBefore, runBytes) for each and counts the runs and the words they touch.
template <typename Visit>
WeightAccess forEachRun(const WeightLayout& layout, const ChipGeometry& geometry, std::uint64_t linearAddress,
                        std::size_t bytes, Visit&& visit)
{
    if (!layout.contains(linearAddress, bytes))
        throw std::out_of_range("weight memory access of " + std::to_string(bytes) + " bytes at " +
                                std::to_string(linearAddress) + " leaves the " +
                                std::to_string(layout.capacityBytes()) + "-byte weight memory");
    const std::uint64_t wordBytes = geometry.bank.wordBytes();
    WeightAccess access;
    std::size_t done = 0;
    while (done < bytes) {
        const auto run = static_cast<std::size_t>(
            std::min<std::uint64_t>(bytes - done, layout.contiguousBytes(linearAddress + done)));
        const BankLocation location = layout.locate(linearAddress + done);
        access.bitsFlipped += visit(location, done, run);
        ++access.bankAccesses;
        access.words += (location.offset + run - 1) / wordBytes - location.offset / wordBytes + 1;
        done += run;
    }
    return access;
}

} // namespace

WeightMemory::WeightMemory(SramChip& chip, const WeightLayoutConfig& config)
    : m_chip(chip), m_layout(chip.geometry(), config)
{
}

void WeightMemory::place(const std::vector<CodeTensorView>& tensors, const std::string& context)
{
    m_plan = planWeights(tensors, m_layout, context);
    std::vector<unsigned> codeBits;
    for (const WeightTile& tile : m_plan.tiles)
        codeBits.push_back(tile.bits);
    m_layout.checkProtection(codeBits, "weight_sram.protection");
    m_placed = true;
    if (m_layout.config().packing == Packing::BytePerCode)
        m_chip.setUsedBitsPerByte(m_layout.usedBitsPerByte(m_plan.maxBits()));
    if (m_layout.config().protection.scheme == ProtectionScheme::Msb)
        m_chip.setReliableBitsPerByte(m_layout.reliableBitsPerByte(m_plan.maxBits()));
}

std::vector<std::vector<std::uint8_t>> WeightMemory::readBack(const std::vector<CodeTensorView>& tensors)
{
    if (!m_placed)
        place(tensors);
    std::vector<std::vector<std::uint8_t>> codes(tensors.size());
    for (std::size_t t = 0; t < tensors.size(); ++t)
        codes[t].resize(tensors[t].count);
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < m_plan.tiles.size(); ++i) {
        const WeightTile& tile = m_plan.tiles[i];
        bytes = encodeTile(m_layout, tile, tensors.at(tile.tensor));
        write(tile.address, bytes.data(), bytes.size());
        read(tile.address, bytes.data(), bytes.size());
        const std::vector<std::uint8_t> read = decodeTile(m_layout, tile, bytes.data(), &m_protectionCounts);
        std::copy(read.begin(), read.end(),
                  codes[tile.tensor].begin() + static_cast<std::ptrdiff_t>(tile.firstCode));
    }
    return codes;
}

WeightAccess WeightMemory::write(std::uint64_t linearAddress, const std::uint8_t* in, std::size_t bytes)
{
    return forEachRun(m_layout, m_chip.geometry(), linearAddress, bytes,
                      [&](const BankLocation& location, std::size_t done, std::size_t run) {
                          m_chip.bank(location.bank).write(location.offset, in + done, run);
                          return std::uint64_t{0};
                      });
}

WeightAccess WeightMemory::read(std::uint64_t linearAddress, std::uint8_t* out, std::size_t bytes)
{
    return forEachRun(m_layout, m_chip.geometry(), linearAddress, bytes,
                      [&](const BankLocation& location, std::size_t done, std::size_t run) {
                          return m_chip.bank(location.bank).read(location.offset, out + done, run);
                      });
}

} // namespace voltsim::memory
