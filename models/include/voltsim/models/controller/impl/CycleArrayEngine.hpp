#pragma once
#include "voltsim/models/array/CycleSystolicArray.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>

#include <string>

namespace voltsim::models {

/// Cycle mode: a clock and the CycleSystolicArray (one SC_METHOD steps the whole grid with a
/// two-phase update); each image's GEMM is started and waited for. If `params.vcdPath` is not
/// empty the array's probes are traced to <vcdPath>.vcd. The cycles the array takes must equal the
/// timing model's (std::logic_error otherwise), so fast and cycle mode always agree.
class CycleArrayEngine : public sc_core::sc_module, public IArrayEngine, public IStatsSource {
  public:
    CycleArrayEngine(const sc_core::sc_module_name& name, const ArrayEngineParams& params);
    ~CycleArrayEngine() override;

    GemmResult run(const CodeMatrix& weights, const CodeMatrix& inputs, std::int64_t images,
                   tlm_utils::tlm_quantumkeeper& keeper) override;
    std::uint64_t gemms() const override { return m_gemms; }
    /// {"gemms": GEMMs issued}.
    nlohmann::json statsJson() const override;

  private:
    sc_core::sc_clock m_clock;
    CycleSystolicArray m_array;
    const ITimingModel& m_timing;
    sc_core::sc_trace_file* m_trace = nullptr;
    std::uint64_t m_gemms = 0;
};

} // namespace voltsim::models
