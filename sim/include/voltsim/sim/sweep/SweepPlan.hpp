#pragma once
// Everything a sweep needs before it infers anything: the profile, the model packages, the
// operating points (validated against the profile), the chip seeds and each model's action counts
// per inference with the pricer `voltsim run` uses. Built identically by `voltsim sweep` and
// `voltsim merge` from one SweepConfig.
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/sim/stats/EnergyPricer.hpp"
#include "voltsim/sim/sweep/SweepConfig.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One swept model: a package on the sweep's accelerator with one weight SRAM protection (the
/// sweep's `protections` make one SweepModel per package and protection, package-major).
struct SweepModel {
    std::string name;       ///< the package's name
    std::string protection; ///< the weight SRAM's protection (memory::ProtectionSpec::name)
    std::string label;      ///< name, or name@protection when protected: unique within a sweep
    std::string dir;        ///< package directory
    std::shared_ptr<const workloads::ModelPackage> package;
    std::uint64_t storedBits = 0; ///< weight-code bits it stores (sum of count x bits over its tensors)
    std::shared_ptr<const RunConfig> accelerator; ///< the sweep's accelerator with this protection
    std::shared_ptr<const EnergyPricer> pricer;   ///< prices this model's counts (run's pricing)
};

/// One operating point of the axis.
struct SweepPoint {
    memory::OperatingPoint op;
    double voltageRel = 0; ///< V / V_min (NaN on a ber axis)
};

class SweepPlan {
  public:
    /// Loads and validates. InputError for a voltage outside [lowest tabulated voltage, V_nom]
    /// (never an extrapolation), a rate outside [0, the profile's max], duplicate model names or
    /// a reference model that is not swept.
    explicit SweepPlan(const SweepConfig& config);

    /// The config; on a rate axis its accelerator's fault model defaults to `random`.
    const SweepConfig& config() const { return m_config; }
    const std::shared_ptr<const memory::SramProfile>& profile() const { return m_profile; }
    /// Energy per action of the sweep's accelerator without a protection override (rails, V_nom);
    /// a model's own pricing is SweepModel::pricer.
    const EnergyPricer& pricer() const { return m_pricer; }
    const std::vector<SweepModel>& models() const { return m_models; }
    const std::vector<SweepPoint>& points() const { return m_points; }
    const std::vector<std::uint64_t>& seeds() const { return m_seeds; }
    bool byRate() const { return m_config.axis == SweepAxis::Ber; }

    /// Points of the whole sweep: models x operating points.
    std::size_t size() const { return m_models.size() * m_points.size(); }
    /// The sweep-wide index of (model, point), model-major: the order of sweep.csv and of sharding.
    std::size_t globalIndex(std::size_t model, std::size_t point) const
    {
        return model * m_points.size() + point;
    }
    /// Index of the first model called `name` (the package's name), or InputError naming `where`.
    std::size_t modelIndex(const std::string& name, const std::string& where) const;
    /// The counts of `model` on its accelerator, priced by its pricer: one
    /// full batch of `batch_images` images (countInference), so streamed weights cost per
    /// inference what they cost in steady state, whatever the sweep's image count.
    /// Simulated on first use, not in the constructor: every input error (a bad reference, an
    /// output folder that needs --resume) is reported before any SystemC simulation runs.
    /// Thread-safe.
    const models::AcceleratorStats& counts(const SweepModel& model) const;

  private:
    void buildPoints();
    /// The accelerator of each protection of the sweep (the config's own when it lists none).
    std::vector<std::shared_ptr<const RunConfig>> protectedAccelerators() const;

    SweepConfig m_config;
    std::shared_ptr<const memory::SramProfile> m_profile;
    EnergyPricer m_pricer;
    std::vector<SweepModel> m_models;
    std::vector<SweepPoint> m_points;
    std::vector<std::uint64_t> m_seeds;
    mutable std::mutex m_countsMutex;
    mutable std::map<std::string, models::AcceleratorStats> m_counts; ///< by model label
};

} // namespace voltsim::sim
