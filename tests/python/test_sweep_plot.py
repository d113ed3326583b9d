"""tools/plots/sweep_plot.py on hand-written sweep.csv files (voltage axis and p axis)."""
import importlib.util
import os

import matplotlib.image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = ("model,voltage_mv,voltage_rel,ber,flips,err,rerr_mean,rerr_std,rerr_min,rerr_max,chips,images,"
          "energy_pj,sram_energy_pj,energy_saving,sram_energy_saving,cycles,latency_us\n")


def load_script():
    spec = importlib.util.spec_from_file_location("sweep_plot", os.path.join(ROOT, "tools/plots/sweep_plot.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_csv(directory, rows, header=HEADER):
    with open(os.path.join(directory, "sweep.csv"), "w") as handle:
        handle.write(header + "".join(row + "\n" for row in rows))


def test_voltage_sweep_gives_three_plots_with_one_line_per_model(tmp_path):
    write_csv(tmp_path, [
        "a,800,1,0,0,0.1,0.1,0,0.1,0.1,3,100,900,100,0,0,5120,5.12",
        "a,704,0.88,0.001,850,0.1,0.15,0.02,0.13,0.18,3,100,860,77,0.04,0.23,5120,5.12",
        "b,800,1,0,0,0.12,0.12,0,0.12,0.12,3,100,900,100,0,0,5120,5.12",
        "b,704,0.88,0.001,850,0.12,0.125,0.01,0.12,0.13,3,100,860,77,0.04,0.23,5120,5.12",
    ])
    script = load_script()
    models = script.read_rows(os.path.join(tmp_path, "sweep.csv"))
    assert list(models) == ["a", "b"]
    assert models["a"][1]["sram_energy_saving"] == 0.23
    assert script.main(["sweep_plot.py", str(tmp_path), "--quiet"]) == 0
    for name in ("rerr_vs_sram_saving.png", "rerr_vs_energy_saving.png", "rerr_vs_voltage.png"):
        image = matplotlib.image.imread(os.path.join(tmp_path, name))
        assert image.shape[0] > 100 and image.shape[1] > 100
    assert not os.path.exists(os.path.join(tmp_path, "rerr_vs_ber.png"))


def test_rate_sweep_without_voltages_plots_against_p(tmp_path):
    write_csv(tmp_path, [
        "a,,,0.001,850,0.1,0.15,0.02,0.13,0.18,3,100,,,,,5120,5.12",
        "a,,,0.01,8500,0.1,0.35,0.05,0.3,0.4,3,100,,,,,5120,5.12",
    ])
    assert load_script().main(["sweep_plot.py", str(tmp_path), "--quiet"]) == 0
    assert os.path.exists(os.path.join(tmp_path, "rerr_vs_ber.png"))
    assert not os.path.exists(os.path.join(tmp_path, "rerr_vs_voltage.png"))


def test_partial_sweep_is_named_in_the_plots(tmp_path, capsys):
    write_csv(tmp_path, ["a,800,1,0,0,0.1,0.1,0,0.1,0.1,3,100,900,100,0,0,5120,5.12"])
    with open(os.path.join(tmp_path, "summary.json"), "w") as handle:
        handle.write('{"points_done": 1, "points_total": 4, "complete": false}')
    script = load_script()
    assert script.partial_title(str(tmp_path)) == "partial: 1 of 4 points"
    assert script.main(["sweep_plot.py", str(tmp_path)]) == 0
    assert "partial: 1 of 4 points" in capsys.readouterr().out
    with open(os.path.join(tmp_path, "summary.json"), "w") as handle:
        handle.write('{"points_done": 4, "points_total": 4, "complete": true}')
    assert script.partial_title(str(tmp_path)) is None


def test_usage_error_without_a_directory():
    assert load_script().main(["sweep_plot.py"]) == 2


def test_protections_are_separate_lines_and_yield_is_drawn(tmp_path):
    write_csv(tmp_path, [
        "a,800,1,0,0,0.1,0.1,0,0.1,0.1,3,100,900,100,0,0,5120,5.12,none,1",
        "a,704,0.88,0.001,850,0.1,0.15,0.02,0.13,0.18,3,100,860,77,0.04,0.23,5120,5.12,none,0",
        "a,800,1,0,0,0.1,0.1,0,0.1,0.1,3,100,910,110,-0.01,-0.1,5120,5.12,secded:64,1",
        "a,704,0.88,0.001,900,0.1,0.105,0.005,0.1,0.11,3,100,880,97,0.02,0.12,5120,5.12,secded:64,0.6666666667",
    ], HEADER.rstrip("\n") + ",protection,yield\n")
    script = load_script()
    models = script.read_rows(os.path.join(tmp_path, "sweep.csv"))
    assert list(models) == ["a", "a@secded:64"]
    assert models["a@secded:64"][1]["yield"] == 0.6666666667
    assert script.main(["sweep_plot.py", str(tmp_path), "--quiet"]) == 0
    for name in ("rerr_vs_energy_nj.png", "yield_vs_energy_nj.png"):
        image = matplotlib.image.imread(os.path.join(tmp_path, name))
        assert image.shape[0] > 100 and image.shape[1] > 100
