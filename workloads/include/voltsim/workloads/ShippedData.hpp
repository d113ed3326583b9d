#pragma once
// Shipped workloads by name: the model zoo (models/NAME/) and the SCALE-Sim topologies
// (topologies/NAME.csv) of voltsim::dataDir().
#include <string>
#include <vector>

namespace voltsim::workloads {

/// A model package directory, or the name of a shipped model (e.g. "randbet-8bit") -> the directory.
/// A path (it contains '/' or has an extension) or an existing file or directory is returned as given
/// (ModelPackage::load reports what is wrong with it); an unknown name throws InputError listing the shipped
/// ones.
std::string resolveModelDir(const std::string& nameOrDir);

/// Names of the shipped models, sorted.
std::vector<std::string> shippedModelNames();

/// A topology file, or the name of a shipped one (e.g. "alexnet") -> the file path, by the same
/// rules as resolveModelDir.
std::string resolveTopologyPath(const std::string& nameOrFile);

} // namespace voltsim::workloads
