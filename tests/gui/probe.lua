-- Loaded into the GUI by test_gui.sh (-X lua_script:): writes, for each frame
-- the GUI dissected as MOPS, its number and the validator's findings on it,
-- in the form of `tshark -T fields -e frame.number -e mops.finding.rule`.
-- Field.new fails, and so the test, if the plugin did not register.
local out = assert(io.open(os.getenv("MOPS_GUI_PROBE"), "w"))
local finding_rule = Field.new("mops.finding.rule")
local tap = Listener.new(nil, "mops")

function tap.packet(pinfo)
    local rules = {}
    for _, f in ipairs({ finding_rule() }) do
        rules[#rules + 1] = tostring(f.value)
    end
    out:write(pinfo.number, "\t", table.concat(rules, ","), "\n")
    out:flush()
end
