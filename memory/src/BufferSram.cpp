#include "voltsim/memory/BufferSram.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace voltsim::memory {
namespace {

/// FNV-1a, 64 bits: a fixed hash of a buffer's name.
std::uint64_t fnv1a(const std::string& text)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

ChipOptions withGeometry(ChipOptions options, const ChipGeometry& geometry)
{
    options.geometry = geometry;
    options.useProfileGeometry = false;
    return options;
}

} // namespace

std::uint64_t bufferSeed(std::uint64_t chipSeed, const std::string& buffer)
{
    return splitMix64(splitMix64(chipSeed) ^ fnv1a(buffer));
}

ChipGeometry bufferGeometry(std::uint64_t sizeBytes, std::uint32_t banks, std::uint32_t wordBits,
                            const std::string& where)
{
    const std::uint64_t wordBytes = wordBits / 8;
    const std::uint64_t bankBytes = banks == 0 ? 0 : sizeBytes / banks;
    if (banks == 0 || wordBits == 0 || wordBits % 8 != 0 || sizeBytes % banks != 0 ||
        bankBytes % wordBytes != 0 || bankBytes % 8 != 0)
        throw InputError(where + ".banks: " + std::to_string(sizeBytes) + " bytes do not split into " +
                         std::to_string(banks) + " banks of whole " + std::to_string(wordBits) +
                         "-bit words and 64-bit lanes (the buffer's cells are modelled below V_min)");
    return ChipGeometry{banks, BankGeometry{static_cast<std::uint32_t>(bankBytes / wordBytes), wordBits}};
}

BufferSram::BufferSram(std::shared_ptr<const SramProfile> profile, std::uint64_t chipSeed,
                       const std::string& name, const ChipGeometry& geometry, ChipOptions options)
    : m_chip(std::move(profile), bufferSeed(chipSeed, name), withGeometry(std::move(options), geometry))
{
}

std::uint64_t BufferSram::linearAddress(std::uint32_t bank, std::uint64_t byte) const
{
    const ChipGeometry& geometry = m_chip.geometry();
    const std::uint64_t wordBytes = geometry.bank.wordBytes();
    return ((byte / wordBytes) * geometry.banks + bank) * wordBytes + byte % wordBytes;
}

void BufferSram::setOperatingPoint(const OperatingPoint& point)
{
    m_chip.setOperatingPoint(point);
    m_faults.clear();
    const FaultEffect effect = m_chip.faultModel().effect();
    for (std::uint32_t bank = 0; bank < m_chip.bankCount(); ++bank)
        for (const FaultCell& cell : m_chip.cells(bank)) {
            if (!m_chip.isActive(bank, cell))
                continue;
            ByteFault fault;
            fault.offset = static_cast<std::uint32_t>(linearAddress(bank, cell.bit / 8));
            const auto bit = static_cast<std::uint8_t>(1u << (cell.bit % 8));
            if (effect == FaultEffect::Flip)
                fault.xorMask = bit;
            else if (cell.stuckValue == 0)
                fault.andMask = static_cast<std::uint8_t>(~bit);
            else
                fault.orMask = bit;
            m_faults.push_back(fault);
        }
    std::sort(m_faults.begin(), m_faults.end(),
              [](const ByteFault& a, const ByteFault& b) { return a.offset < b.offset; });
    // One entry per byte: a cell's masks touch only its own bit, so they combine.
    ByteFaults merged;
    for (const ByteFault& fault : m_faults) {
        if (merged.empty() || merged.back().offset != fault.offset) {
            merged.push_back(fault);
            continue;
        }
        ByteFault& byte = merged.back();
        byte.andMask &= fault.andMask;
        byte.orMask |= fault.orMask;
        byte.xorMask ^= fault.xorMask;
    }
    m_faults = std::move(merged);
}

ByteFaults BufferSram::faultsIn(std::uint64_t address, std::uint64_t bytes) const
{
    if (address > sizeBytes() || bytes > sizeBytes() - address)
        throw std::out_of_range("buffer range of " + std::to_string(bytes) + " bytes at " +
                                std::to_string(address) + " leaves the " + std::to_string(sizeBytes()) +
                                "-byte buffer");
    const auto before = [](const ByteFault& fault, std::uint64_t at) { return fault.offset < at; };
    const auto first = std::lower_bound(m_faults.begin(), m_faults.end(), address, before);
    const auto last = std::lower_bound(first, m_faults.end(), address + bytes, before);
    ByteFaults faults(first, last);
    for (ByteFault& fault : faults)
        fault.offset -= static_cast<std::uint32_t>(address);
    return faults;
}

} // namespace voltsim::memory
