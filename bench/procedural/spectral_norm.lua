-- Spectral norm (Benchmarks Game) of an n*n matrix, 10 power iterations.
-- Prints the norm scaled by 1e9 and truncated. Usage: spectral_norm.lua [n=500]
-- (i+j)*(i+j+1) is even, so `/ 2` is exact in floats: one file serves Lua 5.4 and LuaJIT.

local function a(i, j)
  local ij = i + j
  return 1.0 / (ij * (ij + 1) / 2 + i + 1)
end

local function mul_av(n, v, av)
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do s = s + a(i, j) * v[j + 1] end
    av[i + 1] = s
  end
end

local function mul_atv(n, v, atv)
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do s = s + a(j, i) * v[j + 1] end
    atv[i + 1] = s
  end
end

local function mul_atav(n, v, out, tmp)
  mul_av(n, v, tmp)
  mul_atv(n, tmp, out)
end

local n = tonumber(arg[1]) or 500
local u, v, tmp = {}, {}, {}
for i = 1, n do u[i] = 1.0; v[i] = 0.0; tmp[i] = 0.0 end
for _ = 1, 10 do
  mul_atav(n, u, v, tmp)
  mul_atav(n, v, u, tmp)
end
local vbv, vv = 0.0, 0.0
for i = 1, n do
  vbv = vbv + u[i] * v[i]
  vv = vv + v[i] * v[i]
end
print(string.format("%d", math.floor(math.sqrt(vbv / vv) * 1e9)))
