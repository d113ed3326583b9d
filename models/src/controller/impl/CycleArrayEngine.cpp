#include "voltsim/models/controller/impl/CycleArrayEngine.hpp"

#include <stdexcept>
#include <string>

namespace voltsim::models {

CycleArrayEngine::CycleArrayEngine(const sc_core::sc_module_name& name, const ArrayEngineParams& params)
    : sc_core::sc_module(name), m_clock("clock", params.clockPeriod), m_array("array", params.array),
      m_timing(params.timing)
{
    m_array.clk(m_clock);
    if (!params.vcdPath.empty()) {
        m_trace = sc_core::sc_create_vcd_trace_file(params.vcdPath.c_str());
        m_array.trace(m_trace);
    }
}

CycleArrayEngine::~CycleArrayEngine()
{
    if (m_trace != nullptr)
        sc_core::sc_close_vcd_trace_file(m_trace);
}

nlohmann::json CycleArrayEngine::statsJson() const
{
    return {{"gemms", m_gemms}};
}

GemmResult CycleArrayEngine::run(const CodeMatrix& weights, const CodeMatrix& inputs, std::int64_t images,
                                 tlm_utils::tlm_quantumkeeper& keeper)
{
    keeper.sync();
    const std::int64_t rows = inputs.rows() / images;
    const workloads::GemmShape perImage{rows, inputs.cols(), weights.cols()};
    GemmResult out{AccMatrix(inputs.rows(), weights.cols()), m_timing.layer(perImage, m_array.spec())};
    for (std::int64_t image = 0; image < images; ++image) {
        m_array.start(weights, inputs.middleRows(image * rows, rows));
        while (!m_array.done())
            sc_core::wait(m_array.doneEvent());
        const GemmResult one = m_array.result();
        if (one.timing.totalCycles != out.timing.totalCycles)
            throw std::logic_error(std::string(basename()) + ": image " + std::to_string(image) + " took " +
                                   std::to_string(one.timing.totalCycles) + " cycles, timing model '" +
                                   m_timing.name() + "' predicts " + std::to_string(out.timing.totalCycles));
        out.acc.middleRows(image * rows, rows) = one.acc;
        ++m_gemms;
    }
    keeper.reset();
    return out;
}

} // namespace voltsim::models
