#pragma once
// The systolic array stepped every clock by ONE SystemC process with a two-phase register update.
#include "voltsim/models/array/SystolicArray.hpp"

#include <systemc>

#include <cstdint>
#include <memory>
#include <string>

namespace voltsim::models {

namespace detail {
class GridEngine;
}

/// Cycle-stepped systolic array. One SC_METHOD on the rising clock edge steps the whole PE grid
/// (never one process per PE). Operands are injected on the native fold schedule
/// (FoldSchedule.hpp); outputs and the cycle of the last write-back are observed from the grid,
/// and every hand-over is checked, so results and counts are an independent check of the
/// analytic native model. Usage: bind clk, call start() before or between sc_start() calls,
/// wait for done() (doneEvent() is notified; the module also calls sc_pause() so a plain
/// sc_start() returns), then read result().
class CycleSystolicArray : public sc_core::sc_module {
  public:
    sc_core::sc_in<bool> clk; ///< rising edge = one array cycle

    CycleSystolicArray(const sc_core::sc_module_name& name, const ArraySpec& spec);
    ~CycleSystolicArray() override;

    const ArraySpec& spec() const { return m_spec; }

    /// Starts a GEMM (weights K x N, inputs M x K); the first cycle is the next rising edge.
    /// Throws std::logic_error if a GEMM is still running, std::invalid_argument on bad shapes.
    void start(const CodeMatrix& weights, const CodeMatrix& inputs);

    bool busy() const;
    bool done() const;
    const sc_core::sc_event& doneEvent() const { return m_done; }

    /// acc of the finished GEMM and its observed timing (totalCycles = cycles up to the last
    /// write-back, stalls and counts from the native model of the same shape).
    GemmResult result() const;

    /// Adds the array's probe signals (cycle, busy, outputs written, last output) to a trace.
    void trace(sc_core::sc_trace_file* file) const override;

  private:
    void onClock();

    ArraySpec m_spec;
    workloads::GemmShape m_shape;
    std::unique_ptr<detail::GridEngine> m_engine;
    bool m_finished = false;
    std::int64_t m_cycleLimit = 0; ///< deadlock guard: far beyond any legal run of this GEMM
    sc_core::sc_event m_done;
    sc_core::sc_signal<std::uint64_t> m_cycleSignal;
    sc_core::sc_signal<bool> m_busySignal;
    sc_core::sc_signal<std::uint64_t> m_writtenSignal;
    sc_core::sc_signal<std::int32_t> m_outputSignal;
};

/// A clock plus one CycleSystolicArray, elaborated in the current simulation context (construct
/// at most one per sc_simcontext); runs any number of GEMMs one after another. If `vcdPath` is
/// not empty the array's probes are traced to `<vcdPath>.vcd` (SystemC appends the extension).
class CycleArrayHarness {
  public:
    CycleArrayHarness(const ArraySpec& spec, const std::string& vcdPath = "");
    ~CycleArrayHarness();
    CycleArrayHarness(const CycleArrayHarness&) = delete;
    CycleArrayHarness& operator=(const CycleArrayHarness&) = delete;

    /// Simulates one GEMM to completion; returns the result with the observed cycle count.
    GemmResult run(const CodeMatrix& weights, const CodeMatrix& inputs);

  private:
    sc_core::sc_clock m_clock;
    CycleSystolicArray m_array;
    sc_core::sc_trace_file* m_trace = nullptr;
};

/// Runs one GEMM on a fresh CycleArrayHarness (once per sc_simcontext).
GemmResult runCycleGemm(const ArraySpec& spec, const CodeMatrix& weights, const CodeMatrix& inputs,
                        const std::string& vcdPath = "");

} // namespace voltsim::models
