#include "voltsim/memory/SramArray.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "SramArray maps byte k to lane bits 8k..8k+7");

namespace voltsim::memory {
namespace {

/// memcpy for accesses of any length: a 0-byte access may pass a null pointer, which memcpy forbids.
void copyBytes(void* to, const void* from, std::size_t bytes)
{
    if (bytes != 0)
        std::memcpy(to, from, bytes);
}

} // namespace

SramStats& SramStats::operator+=(const SramStats& other)
{
    reads += other.reads;
    writes += other.writes;
    bytesRead += other.bytesRead;
    bytesWritten += other.bytesWritten;
    bitsFlipped += other.bitsFlipped;
    return *this;
}

void validateGeometry(const ChipGeometry& geometry)
{
    const auto& bank = geometry.bank;
    if (geometry.banks == 0 || bank.rows == 0 || bank.wordBits == 0 || bank.wordBits % 8 != 0 ||
        bank.bits() % 64 != 0)
        throw std::invalid_argument("invalid SRAM geometry " + std::to_string(geometry.banks) + " x " +
                                    std::to_string(bank.rows) + " x " + std::to_string(bank.wordBits) +
                                    " (word bits a multiple of 8, rows x word bits a multiple of 64)");
    if (bank.bits() > (std::uint64_t{1} << 32))
        throw std::invalid_argument("SRAM bank larger than 2^32 bits");
}

SramArray::SramArray(const BankGeometry& geometry) : m_geometry(geometry)
{
    validateGeometry(ChipGeometry{1, geometry});
    const std::size_t lanes = static_cast<std::size_t>(geometry.bits() / 64);
    m_data.assign(lanes, 0);
    m_and.assign(lanes, ~std::uint64_t{0});
    m_or.assign(lanes, 0);
    m_xor.assign(lanes, 0);
}

bool SramArray::contains(std::uint64_t address, std::size_t bytes) const
{
    return address <= sizeBytes() && bytes <= sizeBytes() - address;
}

void SramArray::checkRange(std::uint64_t address, std::size_t bytes, const char* what) const
{
    if (!contains(address, bytes))
        throw std::out_of_range(std::string("SRAM ") + what + " of " + std::to_string(bytes) + " bytes at " +
                                std::to_string(address) + " leaves the " + std::to_string(sizeBytes()) +
                                "-byte array");
}

std::uint64_t SramArray::read(std::uint64_t address, std::uint8_t* out, std::size_t bytes)
{
    checkRange(address, bytes, "read");
    ++m_stats.reads;
    m_stats.bytesRead += bytes;
    if (!m_hasFaults) {
        copyBytes(out, reinterpret_cast<const std::uint8_t*>(m_data.data()) + address, bytes);
        return 0;
    }
    const std::uint64_t flipped = readFaulty(address, out, bytes);
    m_stats.bitsFlipped += flipped;
    return flipped;
}

void SramArray::peek(std::uint64_t address, std::uint8_t* out, std::size_t bytes) const
{
    checkRange(address, bytes, "read");
    readFaulty(address, out, bytes);
}

std::uint64_t SramArray::readFaulty(std::uint64_t address, std::uint8_t* out, std::size_t bytes) const
{
    const auto faulty = [this](std::size_t lane) {
        return ((m_data[lane] & m_and[lane]) | m_or[lane]) ^ m_xor[lane];
    };
    const auto popcount = [](std::uint64_t x) { return static_cast<std::uint64_t>(__builtin_popcountll(x)); };
    // Bytes [first, first + count) of one lane (a partial lane at either end of the access).
    const auto partial = [&](std::size_t lane, unsigned first, unsigned count) {
        const std::uint64_t value = faulty(lane);
        const std::uint64_t mask = (count == 8 ? ~std::uint64_t{0} : ((std::uint64_t{1} << (8 * count)) - 1))
                                   << (8 * first);
        std::memcpy(out, reinterpret_cast<const std::uint8_t*>(&value) + first, count);
        out += count;
        return popcount((value ^ m_data[lane]) & mask);
    };
    std::uint64_t flipped = 0;
    std::size_t lane = static_cast<std::size_t>(address / 8);
    const unsigned head = static_cast<unsigned>(address % 8);
    if (head != 0 || bytes < 8) {
        const auto count = static_cast<unsigned>(std::min<std::uint64_t>(8 - head, bytes));
        flipped += partial(lane++, head, count);
        bytes -= count;
    }
    for (; bytes >= 8; bytes -= 8, ++lane, out += 8) {
        const std::uint64_t value = faulty(lane);
        std::memcpy(out, &value, 8);
        flipped += popcount(value ^ m_data[lane]);
    }
    if (bytes > 0)
        flipped += partial(lane, 0, static_cast<unsigned>(bytes));
    return flipped;
}

void SramArray::write(std::uint64_t address, const std::uint8_t* in, std::size_t bytes)
{
    checkRange(address, bytes, "write");
    ++m_stats.writes;
    m_stats.bytesWritten += bytes;
    copyBytes(reinterpret_cast<std::uint8_t*>(m_data.data()) + address, in, bytes);
}

void SramArray::peekRaw(std::uint64_t address, std::uint8_t* out, std::size_t bytes) const
{
    checkRange(address, bytes, "read");
    copyBytes(out, reinterpret_cast<const std::uint8_t*>(m_data.data()) + address, bytes);
}

void SramArray::poke(std::uint64_t address, const std::uint8_t* in, std::size_t bytes)
{
    checkRange(address, bytes, "write");
    copyBytes(reinterpret_cast<std::uint8_t*>(m_data.data()) + address, in, bytes);
}

void SramArray::clearFaults()
{
    if (!m_hasFaults)
        return;
    std::fill(m_and.begin(), m_and.end(), ~std::uint64_t{0});
    std::fill(m_or.begin(), m_or.end(), 0);
    std::fill(m_xor.begin(), m_xor.end(), 0);
    m_hasFaults = false;
}

bool SramArray::addFlip(std::uint64_t bit)
{
    if (!bitCanFail(bit))
        return false;
    m_xor[static_cast<std::size_t>(bit / 64)] ^= std::uint64_t{1} << (bit % 64);
    m_hasFaults = true;
    return true;
}

bool SramArray::addStuck(std::uint64_t bit, std::uint8_t value)
{
    if (!bitCanFail(bit))
        return false;
    const std::size_t lane = static_cast<std::size_t>(bit / 64);
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if (value != 0)
        m_or[lane] |= mask;
    else
        m_and[lane] &= ~mask;
    m_hasFaults = true;
    return true;
}

} // namespace voltsim::memory
