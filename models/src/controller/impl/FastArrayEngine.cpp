#include "voltsim/models/controller/impl/FastArrayEngine.hpp"

#include "voltsim/models/timing/impl/NativeTiming.hpp"

namespace voltsim::models {

FastArrayEngine::FastArrayEngine(const ArraySpec& spec, const sc_core::sc_time& clockPeriod)
    : m_array(spec), m_period(clockPeriod)
{
}

GemmResult FastArrayEngine::run(const CodeMatrix& weights, const CodeMatrix& inputs, std::int64_t images,
                                tlm_utils::tlm_quantumkeeper& keeper)
{
    GemmResult result = m_array.gemm(weights, inputs);
    const workloads::GemmShape perImage{inputs.rows() / images, inputs.cols(), weights.cols()};
    result.timing = NativeTiming().layer(perImage, m_array.spec());
    keeper.inc(m_period * static_cast<double>(images * result.timing.totalCycles));
    if (keeper.need_sync())
        keeper.sync();
    ++m_gemms;
    return result;
}

} // namespace voltsim::models
