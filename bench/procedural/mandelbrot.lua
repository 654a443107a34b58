-- Mandelbrot set on an n*n grid, 100 iterations: points inside and total iterations.
-- Usage: mandelbrot.lua [n=600]
local n = tonumber(arg[1]) or 600
local inside, total = 0, 0
for y = 0, n - 1 do
  local ci = 2.0 * y / n - 1.0
  for x = 0, n - 1 do
    local cr = 2.0 * x / n - 1.5
    local zr, zi = 0.0, 0.0
    local i = 0
    while i < 100 do
      local zr2 = zr * zr
      local zi2 = zi * zi
      if zr2 + zi2 > 4.0 then break end
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      i = i + 1
    end
    if i == 100 then inside = inside + 1 end
    total = total + i
  end
end
print(string.format("%d %d", inside, total))
