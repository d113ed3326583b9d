#pragma once
// Register-level PE grids stepped one clock at a time with a two-phase update (compute every next
// register from the current ones, then commit). Internal to the cycle-stepped array.
#include "voltsim/models/array/FoldSchedule.hpp"
#include "voltsim/models/array/SystolicArray.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace voltsim::models::detail {

/// A value travelling through the grid (operand, partial sum) or held in an accumulator, tagged
/// with its fold and its step (t for WS/IS streams, k for OS) so every hand-over can be checked.
struct Token {
    std::int32_t value = 0;
    std::int64_t fold = -1; ///< -1: bubble / empty
    std::int64_t step = 0;
    bool valid() const { return fold >= 0; }
};

/// Reports a broken hand-over: a schedule the hardware could not execute.
[[noreturn]] inline void hazard(const std::string& what, std::int64_t cycle)
{
    throw std::logic_error("systolic array hazard at cycle " + std::to_string(cycle) + ": " + what);
}

/// One clocked PE grid running one GEMM. Operands are injected on the native schedule; the grid
/// checks every hand-over (operand tags, weight-slot reuse, bus conflicts) and throws
/// std::logic_error on a hazard, so a wrong schedule cannot produce a result silently.
class GridEngine {
  public:
    virtual ~GridEngine() = default;
    /// Advances one clock cycle.
    virtual void step() = 0;
    /// True once every output element has been written back.
    virtual bool done() const = 0;
    /// Cycles stepped so far.
    std::int64_t cycle() const { return m_cycle; }
    /// 1-based count of cycles up to and including the last output write-back.
    std::int64_t lastWriteCycle() const { return m_lastWrite + 1; }
    std::int64_t outputsWritten() const { return m_written; }
    /// Value of the most recent write-back (for VCD tracing).
    std::int32_t lastOutput() const { return m_lastValue; }
    /// acc (M x N) after done(); throws std::logic_error if an output missed a contribution.
    virtual AccMatrix result() const = 0;

  protected:
    void recordWrite(std::int32_t value)
    {
        m_lastWrite = m_cycle;
        m_lastValue = value;
        ++m_written;
    }
    std::int64_t m_cycle = 0;
    std::int64_t m_lastWrite = -1;
    std::int64_t m_written = 0;
    std::int32_t m_lastValue = 0;
};

/// Creates the engine for spec.dataflow: a weight-/input-stationary grid (WS, IS) or an
/// output-stationary grid (OS).
std::unique_ptr<GridEngine> makeGridEngine(const ArraySpec& spec, const CodeMatrix& weights,
                                           const CodeMatrix& inputs);

} // namespace voltsim::models::detail
