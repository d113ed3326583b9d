"""tools.train.crosscheck: the simulator's --bers sweep against the trainer's RErr table."""
import pytest

from tools.train import crosscheck

TABLE = ("model,method,bits,clean_err,p,rerr_mean,rerr_min,rerr_max,patterns,images\n"
         "m,clipping,8,0.1000,0.01,0.1200,0.1100,0.1300,10,10000\n"
         "m,clipping,8,0.1000,0.05,0.2000,0.1800,0.2200,10,10000\n")
SWEEP_HEAD = "model,voltage_mv,voltage_rel,ber,flips,err,rerr_mean,rerr_std,rerr_min,rerr_max,chips,images\n"


def run(tmp_path, sweep_rows):
    (tmp_path / "table.csv").write_text(TABLE)
    (tmp_path / "sweep.csv").write_text(SWEEP_HEAD + sweep_rows)
    return crosscheck.main([str(tmp_path / "sweep.csv"), "--table", str(tmp_path / "table.csv")])


def test_means_inside_each_others_spread_agree(tmp_path):
    assert run(tmp_path, ",,,0.01,850,0.1,0.125,0.01,0.115,0.135,10,10000\n"
                         ",,,0.05,4200,0.1,0.19,0.01,0.17,0.21,10,10000\n".replace(",,,", "m,,,")) == 0


@pytest.mark.parametrize("row", [
    "m,,,0.01,850,0.1,0.135,0.01,0.125,0.145,10,10000\n",  # simulator mean 13.5 % above the table's max 13 %
    "m,,,0.01,850,0.1,0.125,0.01,0.124,0.126,10,10000\n",  # table mean 12 % outside the simulator's spread
    "m,,,0.01,850,0.11,0.125,0.01,0.115,0.135,10,10000\n",  # clean errors differ: not the same network
])
def test_disagreement_fails(tmp_path, row):
    assert run(tmp_path, row) == 1


def test_nothing_in_common_is_bad_input(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        run(tmp_path, "other,,,0.01,850,0.1,0.125,0.01,0.115,0.135,10,10000\n")
    assert exit_info.value.code == 2
