#include "voltsim/models/controller/impl/FastArrayEngine.hpp"

namespace voltsim::models {

FastArrayEngine::FastArrayEngine(const sc_core::sc_module_name& name, const ArrayEngineParams& params)
    : sc_core::sc_module(name), m_array(params.array), m_timing(params.timing), m_period(params.clockPeriod)
{
}

nlohmann::json FastArrayEngine::statsJson() const
{
    return {{"gemms", m_gemms}};
}

GemmResult FastArrayEngine::run(const CodeMatrix& weights, const CodeMatrix& inputs, std::int64_t images,
                                tlm_utils::tlm_quantumkeeper& keeper)
{
    GemmResult result = m_array.gemm(weights, inputs);
    const workloads::GemmShape perImage{inputs.rows() / images, inputs.cols(), weights.cols()};
    result.timing = m_timing.layer(perImage, m_array.spec());
    keeper.inc(m_period * static_cast<double>(images * result.timing.totalCycles));
    if (keeper.need_sync())
        keeper.sync();
    ++m_gemms;
    return result;
}

} // namespace voltsim::models
