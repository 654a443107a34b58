-- loops.lua for LuaJIT (Lua 5.1 syntax: the bit library instead of 5.4's operators).
-- Values stay below 2^31, so 32-bit bit operations give the 64-bit answer.
local bxor, band = bit.bxor, bit.band
local n = tonumber(arg[1]) or 4096
local acc, sum = 0, 0
for i = 0, n - 1 do
  for j = 0, n - 1 do
    acc = band(bxor(acc, i * j) + band(i, j), 1048575)
    sum = sum + acc
  end
end
print(string.format("%d %d", acc, sum))
