#include "voltsim/sim/sweep/SweepPlan.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/models/accelerator/ActivationMap.hpp"
#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/workloads/ShippedData.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace voltsim::sim {
namespace {

/// mV rounded to 1e-6 so V/V_min grids map to exact table voltages (0.76 x 800 = 608).
double roundMv(double mv)
{
    return std::round(mv * 1e6) / 1e6;
}

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

} // namespace

SweepPlan::SweepPlan(const SweepConfig& config)
    : m_config(config), m_profile(config.specs().weightSram.profile), m_pricer(config.accelerator),
      m_seeds(memory::chipSeeds(config.seed, config.chips))
{
    buildPoints();
    if (byRate())
        memory::useRateFaultModel(m_config.accelerator.accelerator.weightSram.chip);
    const std::vector<std::shared_ptr<const RunConfig>> accelerators = protectedAccelerators();
    for (const SweepPoint& point : m_points)
        models::checkBufferCells(m_config.accelerator.accelerator, point.op);
    for (const auto& entry : config.models) {
        SweepModel model;
        try {
            model.dir = workloads::resolveModelDir(entry);
        } catch (const InputError& error) {
            throw InputError(std::string("models: ") + error.what());
        }
        model.package =
            std::make_shared<const workloads::ModelPackage>(workloads::ModelPackage::load(model.dir));
        model.name = model.package->name;
        model.storedBits = model.package->network.codeBits();
        for (const auto& other : m_models)
            if (other.name == model.name)
                throw InputError("models: '" + entry + "': a model named '" + model.name +
                                 "' is already in the sweep");
        for (const auto& accelerator : accelerators) {
            model.accelerator = accelerator;
            model.pricer = std::make_shared<const EnergyPricer>(*accelerator);
            model.protection = accelerator->accelerator.weightSram.layout.protection.name();
            model.label = model.protection == "none" ? model.name : model.name + "@" + model.protection;
            m_models.push_back(model);
        }
    }
    if (config.reference)
        modelIndex(*config.reference, "reference");
}

std::vector<std::shared_ptr<const RunConfig>> SweepPlan::protectedAccelerators() const
{
    if (!m_config.protections)
        return {std::make_shared<const RunConfig>(m_config.accelerator)};
    std::vector<std::shared_ptr<const RunConfig>> accelerators;
    for (const std::string& protection : *m_config.protections) {
        RunConfig accelerator = m_config.accelerator;
        accelerator.accelerator.weightSram.layout.protection =
            memory::ProtectionSpec::parse(protection, "protections");
        accelerators.push_back(std::make_shared<const RunConfig>(std::move(accelerator)));
    }
    return accelerators;
}

void SweepPlan::buildPoints()
{
    const memory::SramProfile& profile = *m_profile;
    for (const double value : m_config.axisValues) {
        SweepPoint point;
        if (m_config.axis == SweepAxis::Ber) {
            if (value > profile.maxBitErrorRate())
                throw InputError(m_config.axisWhere + ": rate " + number(value) + " exceeds profile " +
                                 profile.name + "'s largest rate " + number(profile.maxBitErrorRate()));
            point.op = memory::OperatingPoint::atRate(value);
            point.voltageRel = std::numeric_limits<double>::quiet_NaN();
        } else {
            const bool relative = m_config.axis == SweepAxis::VoltageRel;
            const double mv = roundMv(relative ? profile.voltageFromRelative(value) : value);
            if (mv < profile.lowestVoltageMv() - 1e-9 || mv > profile.vNomMv + 1e-9)
                throw InputError(m_config.axisWhere + ": " + number(mv) + " mV is outside profile " +
                                 profile.name + "'s range [" + number(profile.lowestVoltageMv()) + ", " +
                                 number(profile.vNomMv) + "] mV (V/V_min " +
                                 number(profile.lowestVoltageMv() / profile.vMinMv) + " to " +
                                 number(profile.vNomMv / profile.vMinMv) + "); voltsim never extrapolates");
            point.op = memory::OperatingPoint::atVoltage(mv);
            point.voltageRel = relative ? value : mv / profile.vMinMv;
        }
        m_points.push_back(point);
    }
}

const models::AcceleratorStats& SweepPlan::counts(const SweepModel& model) const
{
    const std::lock_guard<std::mutex> lock(m_countsMutex);
    auto found = m_counts.find(model.label);
    if (found == m_counts.end())
        found = m_counts
                    .emplace(model.label,
                             countInference(*model.accelerator, *model.package, m_config.specs().batchImages))
                    .first;
    return found->second;
}

std::size_t SweepPlan::modelIndex(const std::string& name, const std::string& where) const
{
    std::string names;
    for (std::size_t i = 0; i < m_models.size(); ++i) {
        if (m_models[i].name == name)
            return i;
        names += (names.empty() ? "" : ", ") + m_models[i].name;
    }
    throw InputError(where + ": '" + name + "' is not a swept model (swept: " + names + ")");
}

} // namespace voltsim::sim
