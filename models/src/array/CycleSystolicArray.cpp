#include "voltsim/models/array/CycleSystolicArray.hpp"

#include "GridEngine.hpp"
#include "voltsim/models/timing/impl/NativeTiming.hpp"

#include <stdexcept>
#include <string>

namespace voltsim::models {

CycleSystolicArray::CycleSystolicArray(const sc_core::sc_module_name& name, const ArraySpec& spec)
    : sc_core::sc_module(name), clk("clk"), m_spec(spec), m_cycleSignal("cycle"), m_busySignal("busy"),
      m_writtenSignal("outputs_written"), m_outputSignal("last_output")
{
    if (spec.rows <= 0 || spec.cols <= 0)
        throw std::invalid_argument("CycleSystolicArray: array sides must be positive");
    SC_HAS_PROCESS(CycleSystolicArray);
    SC_METHOD(onClock);
    sensitive << clk.pos();
    dont_initialize();
}

CycleSystolicArray::~CycleSystolicArray() = default;

void CycleSystolicArray::start(const CodeMatrix& weights, const CodeMatrix& inputs)
{
    if (busy())
        throw std::logic_error("CycleSystolicArray::start: a GEMM is still running");
    m_shape = checkGemmOperands(weights, inputs);
    m_engine = detail::makeGridEngine(m_spec, weights, inputs);
    m_finished = false;
    m_cycleLimit = 2 * NativeTiming().layer(m_shape, m_spec).totalCycles + m_spec.rows + m_spec.cols + 64;
}

bool CycleSystolicArray::busy() const
{
    return m_engine && !m_finished;
}

bool CycleSystolicArray::done() const
{
    return m_engine && m_finished;
}

void CycleSystolicArray::onClock()
{
    if (!busy())
        return;
    m_engine->step();
    if (m_engine->cycle() > m_cycleLimit)
        throw std::logic_error("CycleSystolicArray: no progress after " + std::to_string(m_cycleLimit) +
                               " cycles");
    m_cycleSignal.write(static_cast<std::uint64_t>(m_engine->cycle()));
    m_busySignal.write(true);
    m_writtenSignal.write(static_cast<std::uint64_t>(m_engine->outputsWritten()));
    m_outputSignal.write(m_engine->lastOutput());
    if (m_engine->done()) {
        m_finished = true;
        m_busySignal.write(false);
        m_done.notify(sc_core::SC_ZERO_TIME);
        sc_core::sc_pause();
    }
}

GemmResult CycleSystolicArray::result() const
{
    if (!done())
        throw std::logic_error("CycleSystolicArray::result: no finished GEMM");
    GemmResult out{m_engine->result(), NativeTiming().layer(m_shape, m_spec)};
    out.timing.totalCycles = m_engine->lastWriteCycle();
    return out;
}

void CycleSystolicArray::trace(sc_core::sc_trace_file* file) const
{
    const std::string prefix = std::string(name()) + ".";
    sc_core::sc_trace(file, m_cycleSignal, prefix + "cycle");
    sc_core::sc_trace(file, m_busySignal, prefix + "busy");
    sc_core::sc_trace(file, m_writtenSignal, prefix + "outputs_written");
    sc_core::sc_trace(file, m_outputSignal, prefix + "last_output");
}

CycleArrayHarness::CycleArrayHarness(const ArraySpec& spec, const std::string& vcdPath)
    : m_clock("array_clock", 1, sc_core::SC_NS), m_array("array", spec)
{
    m_array.clk(m_clock);
    if (!vcdPath.empty()) {
        m_trace = sc_core::sc_create_vcd_trace_file(vcdPath.c_str());
        m_array.trace(m_trace);
    }
}

CycleArrayHarness::~CycleArrayHarness()
{
    if (m_trace != nullptr)
        sc_core::sc_close_vcd_trace_file(m_trace);
}

GemmResult CycleArrayHarness::run(const CodeMatrix& weights, const CodeMatrix& inputs)
{
    m_array.start(weights, inputs);
    while (!m_array.done())
        sc_core::sc_start();
    return m_array.result();
}

GemmResult runCycleGemm(const ArraySpec& spec, const CodeMatrix& weights, const CodeMatrix& inputs,
                        const std::string& vcdPath)
{
    CycleArrayHarness harness(spec, vcdPath);
    return harness.run(weights, inputs);
}

} // namespace voltsim::models
