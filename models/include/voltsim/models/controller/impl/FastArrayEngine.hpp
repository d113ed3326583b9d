#pragma once
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>

namespace voltsim::models {

/// Default mode: one SystolicArray::gemm per layer and batch (fold by fold, functionally, on the
/// codes read from weight SRAM), annotated with images x the timing model's cycles of one image.
class FastArrayEngine : public sc_core::sc_module, public IArrayEngine, public IStatsSource {
  public:
    FastArrayEngine(const sc_core::sc_module_name& name, const ArrayEngineParams& params);

    GemmResult run(const CodeMatrix& weights, const CodeMatrix& inputs, std::int64_t images,
                   tlm_utils::tlm_quantumkeeper& keeper) override;
    std::uint64_t gemms() const override { return m_gemms; }
    /// {"gemms": GEMMs issued}.
    nlohmann::json statsJson() const override;

  private:
    SystolicArray m_array;
    const ITimingModel& m_timing;
    sc_core::sc_time m_period;
    std::uint64_t m_gemms = 0;
};

} // namespace voltsim::models
