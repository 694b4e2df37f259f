# Writes float16/bfloat16 state dicts and their float32 values as torch computes them (.float()).
import sys
import torch

d = sys.argv[1]
torch.manual_seed(0)
w = torch.randn(4, 3)
b = torch.randn(4)
torch.save({'layers.0.weight': w.half(), 'layers.0.bias': b.bfloat16()}, d + '/half.pt')
torch.save({'layers.0.weight': w.half().float(), 'layers.0.bias': b.bfloat16().float()}, d + '/half_as_float.pt')
# Every bit pattern of both 16-bit types: zeros, subnormals, normals, infinities, NaNs.
bits = torch.arange(-32768, 32768, dtype=torch.int32).to(torch.int16)
torch.save({'f16': bits.view(torch.float16).clone(), 'bf16': bits.view(torch.bfloat16).clone()}, d + '/all.pt')
torch.save({'f16': bits.view(torch.float16).float(), 'bf16': bits.view(torch.bfloat16).float()}, d + '/all_as_float.pt')
